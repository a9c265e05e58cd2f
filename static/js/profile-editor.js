// Small helps on the profile editor; the form works the same without them.
// - chips (checkbox labels) show their state with a class, for browsers
//   without :has();
// - the bio says how many characters are left.
(function () {
  "use strict";
  var form = document.getElementById("profile-form");
  if (!form) return;

  function syncChip(input) {
    var chip = input.closest(".chip");
    if (chip) chip.classList.toggle("chip--on", input.checked);
  }
  Array.prototype.forEach.call(
    form.querySelectorAll(".chip input[type=checkbox], .chip input[type=radio]"),
    syncChip
  );
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type === "radio") {
      Array.prototype.forEach.call(
        form.querySelectorAll("input[type=radio][name='" + input.name + "']"),
        syncChip
      );
    } else if (input.type === "checkbox") {
      syncChip(input);
    }
  });

  var bio = form.querySelector("textarea[name=bio]");
  if (bio && bio.maxLength > 0) {
    var counter = document.createElement("p");
    counter.className = "field__help bio-counter";
    counter.setAttribute("aria-live", "polite");
    bio.parentNode.insertBefore(counter, bio.nextSibling);
    var update = function () {
      var left = bio.maxLength - bio.value.length;
      counter.textContent = (form.dataset.bioLeft || "%(n)s characters left")
        .replace("%(n)s", String(left));
    };
    bio.addEventListener("input", update);
    update();
  }
})();

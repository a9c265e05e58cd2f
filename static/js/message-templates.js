// "Use a template": with the script, Insert fills the composer at once instead
// of reloading the page (without it, the GET form re-renders it prefilled).
(function () {
  "use strict";
  document.querySelectorAll("[data-template-picker]").forEach(function (picker) {
    var select = picker.querySelector("select");
    var textarea = document.getElementById("message-body");
    if (!select || !textarea) return;
    picker.addEventListener("submit", function (event) {
      var option = select.options[select.selectedIndex];
      if (!option) return;
      event.preventDefault();
      textarea.value = option.getAttribute("data-body") || "";
      textarea.focus();
    });
  });
})();

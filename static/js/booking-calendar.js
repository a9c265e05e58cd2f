/*
 * The booking request page, enhanced. Without this file the page works in two
 * steps: a day is a link (?day=YYYY-MM-DD) and "Show the durations that fit
 * this time" sends the form back to narrow the rates. With it:
 *  - a day link swaps that day's times (and the rates that fit it) in place,
 *    keeping what was typed;
 *  - choosing a time hides the rates whose duration does not fit from there;
 *  - the meeting place shows only for an outcall rate.
 * The server decides every time and refuses a duration that does not fit.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-booking-request]");
  if (!root) {
    return;
  }
  var status = root.querySelector("[data-booking-status]");

  function removeNoScriptSteps() {
    // Removed, not hidden: a hidden submit button would still be the form's
    // default button when Enter is pressed in a text field.
    root.querySelectorAll("[data-no-js]").forEach(function (element) {
      element.remove();
    });
  }

  function toggleMeetingPlace() {
    var box = root.querySelector("[data-meeting-place]");
    if (!box) {
      return;
    }
    var rate = root.querySelector('input[name="rate"]:checked');
    box.hidden = !(rate && rate.dataset.kind === "outcall");
  }

  function narrowRates() {
    var time = root.querySelector('input[name="slot"]:checked');
    var fits = time ? time.dataset.durations.split(" ") : null;
    root.querySelectorAll('input[name="rate"]').forEach(function (input) {
      var fitting = fits === null || fits.indexOf(input.dataset.minutes) !== -1;
      input.closest("label").hidden = !fitting;
      input.disabled = !fitting;
      if (!fitting) {
        input.checked = false;
      }
    });
    toggleMeetingPlace();
  }

  function swap(doc, id) {
    var current = document.getElementById(id);
    var fresh = doc.getElementById(id);
    if (!current || !fresh) {
      throw new Error("missing " + id);
    }
    current.replaceWith(document.importNode(fresh, true));
  }

  function showDay(url) {
    var rate = root.querySelector('input[name="rate"]:checked');
    var keptRate = rate ? rate.value : null;
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        ["booking-days", "booking-times", "booking-rates"].forEach(function (id) {
          swap(doc, id);
        });
        var day = doc.querySelector("[data-booking-day]");
        root.querySelector("[data-booking-day]").value = day ? day.value : "";
        if (keptRate) {
          var again = root.querySelector('input[name="rate"][value="' + keptRate + '"]');
          if (again) {
            again.checked = true;
          }
        }
        removeNoScriptSteps();
        narrowRates();
        window.history.replaceState(null, "", url);
        var legend = document.getElementById("field-slot");
        if (status && legend) {
          // "2. Choose a time on Thursday 3 December" -> without the step number.
          status.textContent = legend.textContent.replace(/^\d+\.\s*/, "");
        }
        if (legend) {
          legend.focus();
        }
      })
      .catch(function () {
        // Whatever went wrong, the plain link still works.
        window.location.assign(url);
      });
  }

  root.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-day]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    showDay(link.href);
  });

  root.addEventListener("change", function (event) {
    if (event.target.name === "slot") {
      narrowRates();
    } else if (event.target.name === "rate") {
      toggleMeetingPlace();
    }
  });

  removeNoScriptSteps();
  narrowRates();
})();

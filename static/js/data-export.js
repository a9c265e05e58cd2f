// The data export page (templates/privacy/export.html): while an export is
// being prepared, ask for its status every few seconds and move the progress
// bar; reload once it is ready or failed so the server renders the result.
// Without this script the page's "Refresh" link does the same.
(function () {
  "use strict";
  var panel = document.querySelector("[data-status-url]");
  if (!panel) return;
  var url = panel.getAttribute("data-status-url");
  var bar = panel.querySelector("[data-export-progress]");
  var step = panel.querySelector("[data-export-step]");
  var every = 2000;

  function update(data) {
    if (data.status !== "queued" && data.status !== "running") {
      window.location.reload();
      return;
    }
    if (bar) { bar.value = data.progress; bar.textContent = data.progress + "%"; }
    if (step && data.step) { step.textContent = "Preparing: " + data.step; }
    window.setTimeout(poll, every);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) update(data); })
      .catch(function () { /* offline for a moment: the Refresh link still works */ });
  }

  window.setTimeout(poll, every);
})();

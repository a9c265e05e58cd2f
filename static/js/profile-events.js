/*
 * Profile events (docs/analytics.md): on a profile page, tell the server when a
 * visitor opens a photo in the gallery or presses a contact button (Message,
 * Request a booking). The page view itself is counted by the server.
 *
 * One beacon per kind and page load: the server counts each visitor once a day
 * anyway, so repeats would only cost requests. navigator.sendBeacon survives
 * the navigation a contact link starts and cannot carry a CSRF header, which
 * the endpoint does not ask for; fetch with keepalive is the fallback. Nothing
 * here changes what the links do, and without this file they work the same.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-profile-events]");
  if (!root) {
    return;
  }
  var url = root.getAttribute("data-events-url");
  var profile = Number(root.getAttribute("data-profile-events"));
  var sent = {};

  function send(kind) {
    if (!url || !profile || sent[kind]) {
      return;
    }
    sent[kind] = true;
    var body = JSON.stringify({ profile: profile, kind: kind });
    var blob = new Blob([body], { type: "application/json" });
    if (navigator.sendBeacon && navigator.sendBeacon(url, blob)) {
      return;
    }
    if (window.fetch) {
      window.fetch(url, {
        method: "POST",
        body: body,
        keepalive: true,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" }
      }).catch(function () { /* counting is best effort */ });
    }
  }

  // Capture phase: the lightbox handles the same click and may stop it.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    if (target.closest("[data-lightbox-item]")) {
      send("gallery_open");
    } else if (target.closest("[data-profile-contact], .availability-day__link")) {
      // The calendar's days (bookings/_profile_calendar.html) are request links too.
      send("contact_click");
    }
  }, true);
})();

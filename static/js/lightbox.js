/*
 * Profile photo lightbox (templates/directory/escort_profile_page.html).
 *
 * Without this script every thumbnail is a link to the large photo. With it, a
 * click opens the page's <dialog> as a modal: focus stays inside it (Tab wraps
 * between its buttons), Escape closes it and focus returns to the photo that
 * opened it, the arrow keys, the buttons and a horizontal swipe (pointer events)
 * move between photos, and a live counter says "2 of 5".
 */
(function () {
  "use strict";

  var SWIPE_MIN_PX = 40;

  function setUp(gallery) {
    var dialog = gallery.querySelector("[data-lightbox-dialog]");
    var links = Array.prototype.slice.call(
      gallery.querySelectorAll("[data-lightbox-item]")
    );
    if (!dialog || !links.length || typeof dialog.showModal !== "function") {
      return; // old browsers keep the plain links
    }
    var image = dialog.querySelector("[data-lightbox-image]");
    var caption = dialog.querySelector("[data-lightbox-caption]");
    var counter = dialog.querySelector("[data-lightbox-counter]");
    var stage = dialog.querySelector("[data-lightbox-stage]");
    var prev = dialog.querySelector("[data-lightbox-prev]");
    var next = dialog.querySelector("[data-lightbox-next]");
    var close = dialog.querySelector("[data-lightbox-close]");
    var format = dialog.getAttribute("data-counter-format") || "{n} of {total}";
    var current = 0;
    var opener = null;
    var single = links.length < 2;

    prev.hidden = single;
    next.hidden = single;

    function show(index) {
      current = (index + links.length) % links.length;
      var link = links[current];
      var thumb = link.querySelector("img");
      image.removeAttribute("srcset");
      image.src = link.getAttribute("href");
      image.srcset = link.getAttribute("data-srcset") || "";
      image.width = Number(link.getAttribute("data-width")) || 0;
      image.height = Number(link.getAttribute("data-height")) || 0;
      image.alt = thumb ? thumb.alt : "";
      var text = link.getAttribute("data-caption") || "";
      caption.textContent = text;
      caption.hidden = !text;
      counter.textContent = format
        .replace("{n}", String(current + 1))
        .replace("{total}", String(links.length));
      if (!single) {
        preload(current + 1);
        preload(current - 1);
      }
    }

    // The neighbours load while this photo is looked at, so a move shows at once.
    function preload(index) {
      var link = links[(index + links.length) % links.length];
      var loader = new Image();
      loader.srcset = link.getAttribute("data-srcset") || "";
      loader.src = link.getAttribute("href");
    }

    function open(index, from) {
      opener = from;
      show(index);
      dialog.showModal();
      (single ? close : next).focus();
    }

    function focusable() {
      return Array.prototype.filter.call(
        dialog.querySelectorAll("button"),
        function (button) { return !button.hidden && !button.disabled; }
      );
    }

    links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
          return; // a new tab or window keeps the plain link
        }
        event.preventDefault();
        open(index, link);
      });
    });

    prev.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () { show(current + 1); });
    close.addEventListener("click", function () { dialog.close(); });

    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") {
        event.preventDefault();
        show(current + 1);
      } else if (event.key === "ArrowLeft") {
        event.preventDefault();
        show(current - 1);
      } else if (event.key === "Tab") {
        // A modal dialog makes the page inert, but Tab could still leave for
        // the browser's own controls: keep it among the dialog's buttons.
        var items = focusable();
        var first = items[0];
        var last = items[items.length - 1];
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    });

    // A click on the backdrop (the dialog box itself, outside its content).
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) {
        dialog.close();
      }
    });

    // Escape closes a modal dialog natively ("cancel", then "close").
    dialog.addEventListener("close", function () {
      image.removeAttribute("src");
      image.removeAttribute("srcset");
      if (opener) {
        opener.focus();
      }
    });

    var startX = null;
    var startY = null;
    stage.addEventListener("pointerdown", function (event) {
      if (event.isPrimary) {
        startX = event.clientX;
        startY = event.clientY;
      }
    });
    stage.addEventListener("pointerup", function (event) {
      if (startX === null || !event.isPrimary) {
        return;
      }
      var dx = event.clientX - startX;
      var dy = event.clientY - startY;
      startX = null;
      if (!single && Math.abs(dx) >= SWIPE_MIN_PX && Math.abs(dx) > Math.abs(dy)) {
        show(current + (dx < 0 ? 1 : -1));
      }
    });
    stage.addEventListener("pointercancel", function () { startX = null; });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-lightbox]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

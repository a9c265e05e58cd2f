// Photo order on the profile editor: drag a photo onto another place, or use
// its "Move earlier" / "Move later" buttons (keyboard and touch); either way the
// position numbers the form submits are rewritten. Without JavaScript people
// type the positions themselves, so this only enhances the form.
(function () {
  "use strict";

  function text(list, name, values) {
    var template = list.dataset[name] || "";
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function init(list) {
    var status = document.querySelector("[data-photo-order-status]");
    var dragged = null;

    function tiles() {
      return Array.prototype.slice.call(list.querySelectorAll(".photo-tile"));
    }

    function renumber(moved) {
      var all = tiles();
      all.forEach(function (tile, index) {
        var input = tile.querySelector(".field--position input");
        if (input) input.value = String(index + 1);
        var earlier = tile.querySelector("[data-move='-1']");
        var later = tile.querySelector("[data-move='1']");
        if (earlier) earlier.disabled = index === 0;
        if (later) later.disabled = index === all.length - 1;
      });
      if (moved && status) {
        status.textContent = text(list, "labelMoved", {
          label: moved.dataset.photoLabel,
          n: all.indexOf(moved) + 1,
          total: all.length,
        });
      }
    }

    function move(tile, delta) {
      var all = tiles();
      var index = all.indexOf(tile) + delta;
      if (index < 0 || index >= all.length) return;
      if (delta < 0) list.insertBefore(tile, all[index]);
      else list.insertBefore(tile, all[index].nextSibling);
      renumber(tile);
    }

    function button(tile, delta) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = "button button--ghost button--small";
      element.dataset.move = String(delta);
      var name = delta < 0 ? "labelEarlier" : "labelLater";
      element.textContent = text(list, name, { label: "" }).replace(/\s+/g, " ").trim();
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " (" + tile.dataset.photoLabel + ")";
      element.appendChild(hidden);
      element.addEventListener("click", function () {
        move(tile, delta);
        // Keep the focus on the button that moved, unless it just got disabled.
        if (element.disabled) {
          var other = tile.querySelector("[data-move='" + -delta + "']");
          if (other) other.focus();
        } else {
          element.focus();
        }
      });
      return element;
    }

    tiles().forEach(function (tile) {
      var controls = document.createElement("div");
      controls.className = "photo-tile__move cluster";
      controls.appendChild(button(tile, -1));
      controls.appendChild(button(tile, 1));
      tile.appendChild(controls);

      tile.draggable = true;
      tile.addEventListener("dragstart", function (event) {
        dragged = tile;
        tile.classList.add("is-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", tile.dataset.photoId);
      });
      tile.addEventListener("dragend", function () {
        tile.classList.remove("is-dragging");
        if (dragged) renumber(dragged);
        dragged = null;
      });
      tile.addEventListener("dragover", function (event) {
        if (!dragged || dragged === tile) return;
        event.preventDefault();
        var box = tile.getBoundingClientRect();
        var after = event.clientX > box.left + box.width / 2;
        list.insertBefore(dragged, after ? tile.nextSibling : tile);
      });
      tile.addEventListener("drop", function (event) {
        event.preventDefault();
      });
    });

    // A position typed in by hand moves the photo there at once.
    list.addEventListener("change", function (event) {
      var input = event.target;
      if (!input.matches(".field--position input")) return;
      var tile = input.closest(".photo-tile");
      var all = tiles();
      var wanted = Math.max(1, Math.min(all.length, parseInt(input.value, 10) || 1));
      all.splice(all.indexOf(tile), 1);
      all.splice(wanted - 1, 0, tile);
      all.forEach(function (each) { list.appendChild(each); });
      renumber(tile);
    });

    list.classList.add("photo-grid--enhanced");
    renumber(null);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-photo-order]"), init);
})();

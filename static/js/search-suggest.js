/* The header search box as an ARIA 1.2 combobox with suggestions from
   GET /api/v1/search/suggest (cities, services, profile names), each a link.
   Progressive enhancement: without this script the form submits to /search/?q=.
   Keys: Down/Up move through the suggestions, Enter opens the chosen one (or
   submits the search when none is chosen), Escape closes the list (a second
   Escape clears the box). Loaded from a file: the CSP forbids inline script. */
(function () {
  "use strict";

  var DELAY_MS = 200;
  var MIN_CHARS = 2;
  var MAX_CHARS = 50; // the endpoint answers 400 outside 2..50

  function enhance(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector("[role=listbox]");
    var status = form.querySelector("[role=status]");
    var url = form.getAttribute("data-suggest-url");
    if (!input || !list || !url || !window.fetch) {
      return;
    }
    var timer = null;
    var request = null;
    var active = -1;
    var options = [];

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
      } else {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function go(option) {
      window.location.assign(option.getAttribute("data-url"));
    }

    function item(kind, name, link, index) {
      var option = document.createElement("li");
      option.id = list.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-url", link);
      option.className = "header-search__option";
      var label = document.createElement("span");
      label.className = "header-search__name";
      label.textContent = name;
      var hint = document.createElement("span");
      hint.className = "header-search__kind";
      hint.textContent = kind;
      option.appendChild(label);
      option.appendChild(document.createTextNode(" "));
      option.appendChild(hint);
      // mousedown, not click: the input keeps focus until we navigate.
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        go(option);
      });
      return option;
    }

    function render(data) {
      var rows = [];
      (data.profiles || []).forEach(function (p) {
        if (p.url) { rows.push(["Companion", p.name, p.url]); }
      });
      (data.cities || []).forEach(function (c) {
        if (c.url) { rows.push(["City", c.name, c.url]); }
      });
      (data.services || []).forEach(function (s) {
        rows.push(["Service", s.name, s.url]);
      });
      list.textContent = "";
      options = rows.map(function (row, i) {
        return list.appendChild(item(row[0], row[1], row[2], i));
      });
      active = -1;
      if (!options.length) {
        status.textContent = "No suggestions";
        close();
        return;
      }
      status.textContent = options.length + (options.length === 1 ? " suggestion" : " suggestions") +
        ", use the up and down arrows to choose";
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function fetchSuggestions() {
      var q = input.value.trim().replace(/\s+/g, " ");
      if (q.length < MIN_CHARS || q.length > MAX_CHARS) {
        close();
        return;
      }
      if (request) { request.abort(); }
      request = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: request.signal
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (data && input.value.trim().replace(/\s+/g, " ") === q) { render(data); }
      }).catch(function () {
        /* aborted or offline: the plain search still works */
      });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { fetchSuggestions(); return; }
        choose(active + 1 >= options.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        if (!open) { return; }
        event.preventDefault();
        choose(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          go(options[active]);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 100);
    });
  }

  Array.prototype.forEach.call(
    document.querySelectorAll("form.header-search[data-suggest-url]"),
    enhance
  );
})();

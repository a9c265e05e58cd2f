// The heart (templates/includes/favourite_button.html) saves and removes without
// a reload. Without this file the same form posts and the page comes back
// (directory/favourite_views.py); on the shortlist page the form always posts,
// so a removed profile leaves the list as the person expects.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("favourite-status");
    if (!region) {
      region = document.createElement("p");
      region.id = "favourite-status";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      (document.querySelector("main") || document.body).appendChild(region);
    }
    region.textContent = text || "";
  }

  function show(button, saved) {
    var state = saved ? "remove" : "save";
    button.value = state;
    button.setAttribute("aria-pressed", saved ? "true" : "false");
    button.setAttribute("aria-label", button.dataset["label" + (saved ? "Remove" : "Save")]);
    button.classList.toggle("is-saved", saved);
    button.querySelector(".favourite__icon").textContent = saved ? "\u2665" : "\u2661";
    button.querySelector(".favourite__text").textContent =
      button.dataset["text" + (saved ? "Remove" : "Save")];
  }

  function postNormally(form, action) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "action";
    field.value = action;
    form.appendChild(field);
    HTMLFormElement.prototype.submit.call(form);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("favourite")) {
      return;
    }
    if (form.closest("[data-favourites-list]") || !window.fetch) {
      return;
    }
    var button = form.querySelector("button[name=action]");
    if (!button || button.disabled) {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    var action = button.value;
    var data = new FormData(form);
    data.append("action", action);
    button.disabled = true;
    // Not form.action: the button named "action" shadows that property.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("favourite " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        button.disabled = false;
        show(button, state.saved);
        announce(state.message);
      })
      .catch(function () {
        // Let the server answer as it does without JavaScript (an error page,
        // a sign-in page after an expired session).
        button.disabled = false;
        postNormally(form, action);
      });
  });
})();

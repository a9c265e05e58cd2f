/* The plan page (templates/subscriptions/dashboard.html, docs/subscriptions.md).
   Forms marked data-needs-card get a payment method from Stripe.js (the
   gateway's own form); only its id is posted here, never a card number. */
(function () {
  "use strict";
  var section = document.querySelector("[data-card-section]");
  if (!section || typeof window.Stripe !== "function" || !window.PremiumCard) return;
  var mounted = window.PremiumCard.mount(
    section.querySelector("[data-card]"), section.dataset.publishableKey
  );
  var paymentMethod = mounted.paymentMethod;
  var status = section.querySelector("[data-card-status]");

  document.querySelectorAll("form[data-needs-card]").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      if (form.dataset.ready) return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      status.classList.remove("errorlist");
      status.textContent = "Checking the card…";
      try {
        var method = await paymentMethod();
        if (method.error) {
          status.textContent = method.error.message || "Check the card details and try again.";
          status.classList.add("errorlist");
          button.disabled = false;
          holder.scrollIntoView({ block: "center" });
          return;
        }
        form.querySelector("input[name=payment_method]").value = method.id;
        form.dataset.ready = "1";
        status.textContent = "Paying…";
        form.submit();
      } catch (error) {
        status.textContent = "The payment service cannot be reached. Nothing was charged; try again in a moment.";
        status.classList.add("errorlist");
        button.disabled = false;
      }
    });
  });
})();

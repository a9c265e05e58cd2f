/* The plan page (templates/subscriptions/dashboard.html, docs/subscriptions.md).
   Forms marked data-needs-card get a payment method from Stripe.js (the
   gateway's own form); only its id is posted here, never a card number. */
(function () {
  "use strict";
  var section = document.querySelector("[data-card-section]");
  if (!section || typeof window.Stripe !== "function") return;
  var stripe = window.Stripe(section.dataset.publishableKey);
  var card = stripe.elements().create("card");
  var holder = section.querySelector("[data-card]");
  card.mount(holder);
  var LABELS = {
    number: "Card number", exp_month: "Expiry month (MM)", exp_year: "Expiry year (YY)",
    cvc: "Security code (CVC)", postal_code: "Postcode"
  };
  holder.querySelectorAll("input").forEach(function (input) {
    var label = LABELS[input.getAttribute("placeholder")];
    if (label) input.setAttribute("aria-label", label);
    input.setAttribute("autocomplete", "off");
  });
  var status = section.querySelector("[data-card-status]");

  async function paymentMethod() {
    var made = await stripe.createPaymentMethod({ type: "card", card: card });
    if (made) {
      return made.error ? { error: made.error } : { id: made.paymentMethod.id };
    }
    // localstripe's createPaymentMethod is a stub: its card tokens carry a
    // card id the gateway accepts as the payment method.
    var token = await stripe.createToken(card);
    return token.error ? { error: token.error } : { id: token.token.card.id };
  }

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

/* The card field of every page that takes a card (the deposit page, the plan
   page): Stripe.js's own form, mounted in [data-card], and the one way to turn
   it into a payment method id. Card numbers go to the gateway, never here.
   window.PremiumCard.mount(holder, publishableKey) -> {stripe, paymentMethod}. */
(function () {
  "use strict";
  // localstripe's stand-in form has bare inputs: give them names people hear.
  var LABELS = {
    number: "Card number", exp_month: "Expiry month (MM)", exp_year: "Expiry year (YY)",
    cvc: "Security code (CVC)", postal_code: "Postcode"
  };

  function mount(holder, publishableKey) {
    var stripe = window.Stripe(publishableKey);
    var card = stripe.elements().create("card");
    card.mount(holder);
    holder.querySelectorAll("input").forEach(function (input) {
      var label = LABELS[input.getAttribute("placeholder")];
      if (label) input.setAttribute("aria-label", label);
      input.setAttribute("autocomplete", "off");
    });

    async function paymentMethod() {
      var made = await stripe.createPaymentMethod({ type: "card", card: card });
      if (made) {
        return made.error ? { error: made.error } : { id: made.paymentMethod.id };
      }
      // localstripe's createPaymentMethod is a stub (returns nothing): its card
      // tokens carry a card id the gateway accepts as the payment method.
      var token = await stripe.createToken(card);
      return token.error ? { error: token.error } : { id: token.token.card.id };
    }

    return { stripe: stripe, paymentMethod: paymentMethod };
  }

  window.PremiumCard = { mount: mount };
})();

/* The deposit pay page (templates/bookings/deposit_pay.html, docs/deposits.md).
   Stripe.js turns the card into a payment method at the gateway; only its id
   is posted here. When the bank asks for authentication, Stripe.js runs it;
   either way the return page asks the gateway how the payment stands. */
(function () {
  "use strict";
  var form = document.querySelector("[data-deposit-form]");
  if (!form || typeof window.Stripe !== "function" || !window.PremiumCard) return;
  var mounted = window.PremiumCard.mount(
    form.querySelector("[data-card]"), form.dataset.publishableKey
  );
  var stripe = mounted.stripe;
  var paymentMethod = mounted.paymentMethod;
  var status = form.querySelector("[data-deposit-status]");
  var button = form.querySelector("button[type=submit]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle("errorlist", Boolean(failed));
    button.disabled = false;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
    status.classList.remove("errorlist");
    status.textContent = "Paying…";
    try {
      var method = await paymentMethod();
      if (method.error) {
        say(method.error.message || "Check the card details and try again.", true);
        return;
      }
      var response = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": csrf
        },
        body: JSON.stringify({ payment_method: method.id })
      });
      var body = await response.json().catch(function () { return {}; });
      if (!response.ok) {
        var message = body.error && body.error.message;
        say((message || "The payment did not go through.") + " Nothing was charged twice; you can try again.", true);
        return;
      }
      if (body.status === "requires_action" && body.client_secret) {
        status.textContent = "Your bank asks you to confirm the payment…";
        await stripe.confirmCardPayment(body.client_secret);
      }
      window.location.assign(body.return_url || form.dataset.returnUrl);
    } catch (error) {
      say("The payment service cannot be reached. Nothing was charged; try again in a moment.", true);
    }
  });
})();

// Harmoni's only script besides Bootstrap's. The Content-Security-Policy allows no inline script,
// so confirmations are declared in the markup (data-confirm) and asked here.
"use strict";
document.addEventListener("submit", function (event) {
  // the button pressed may ask (one form, several buttons), else the form itself
  var submitter = event.submitter;
  var question = (submitter && submitter.dataset.confirm) || event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// forms marked data-submit-once file once: their buttons are disabled while the form is being sent
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (event.defaultPrevented || !form.hasAttribute("data-submit-once")) {
    return;
  }
  if (form.dataset.sending) {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "1";
  setTimeout(function () {
    form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
  }, 0);
});

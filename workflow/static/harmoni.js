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

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

// a button data-add-row="NAME" appends an empty copy of the last row marked data-testid="NAME"
// (repeatable form rows, e.g. a meeting's invitees); without script the page offers blank rows
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-add-row]");
  if (!button) {
    return;
  }
  var rows = document.querySelectorAll("[data-testid='" + button.dataset.addRow + "']");
  if (!rows.length) {
    return;
  }
  var last = rows[rows.length - 1];
  var copy = last.cloneNode(true);
  copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
  copy.querySelectorAll("[aria-label]").forEach(function (field) {
    field.setAttribute("aria-label", field.getAttribute("aria-label").replace(/\d+$/, String(rows.length + 1)));
  });
  last.after(copy);
  copy.querySelector("input").focus();
});

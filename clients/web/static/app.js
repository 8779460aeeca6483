/* An enhancement only: every page works without it. A form is not sent
   twice by a second tap while the first is on its way. */
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.getAttribute("method") !== "post") {
    return;
  }
  if (form.dataset.sending === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "1";
  form.setAttribute("aria-busy", "true");
});

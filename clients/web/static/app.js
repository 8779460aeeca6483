/* An enhancement only: every page works without it. A form is not sent
   twice by a second tap while the first is on its way; a copy button
   (hidden without this script) copies a read-only field and says so. */
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

/* <button data-copy="FIELD" data-copy-status="LIVE-REGION" data-copied
   data-failed hidden>: shown where the browser can write the clipboard. */
Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
  var field = document.getElementById(button.dataset.copy);
  var status = document.getElementById(button.dataset.copyStatus);
  if (!field || !status || !navigator.clipboard || !navigator.clipboard.writeText) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "";
    navigator.clipboard.writeText(field.value).then(function () {
      status.textContent = button.dataset.copied;
    }, function () {
      field.select();
      status.textContent = button.dataset.failed;
    });
  });
});

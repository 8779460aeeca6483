/* An enhancement only: every page works without it. A form is not sent
   twice by a second tap while the first is on its way. On the attendance
   page (docs/web.md, "Offline"), a change is saved at once through the
   JSON API; while the network is away it waits in this browser's storage,
   each under an id made here, and is sent again, in order, when the network
   is back; the API takes a change sent twice as one. A copy button (hidden
   without this script) copies a read-only field and says so. */
"use strict";
(function () {
  var QUEUE_KEY = "piiri-attendance-queue";
  var RETRY_MS = 10000;
  var root = document.querySelector("[data-attendance]");
  var sending = false;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("method") !== "post") {
      return;
    }
    if (form.action && /\/signout$/.test(form.action)) {
      forgetPages();
    }
    if (root && form.dataset.op && root.contains(form)) {
      event.preventDefault();
      change(form);
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
    var copyStatus = document.getElementById(button.dataset.copyStatus);
    if (!field || !copyStatus || !navigator.clipboard || !navigator.clipboard.writeText) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      copyStatus.textContent = "";
      navigator.clipboard.writeText(field.value).then(function () {
        copyStatus.textContent = button.dataset.copied;
      }, function () {
        field.select();
        copyStatus.textContent = button.dataset.failed;
      });
    });
  });

  if (!root) {
    return;
  }
  root.classList.add("js-live");
  var status = root.querySelector(".att-status");
  var csrfField = root.querySelector("input[name=csrf]");
  var csrf = csrfField ? csrfField.value : "";

  function newId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function load() {
    try {
      return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]");
    } catch (e) {
      return [];
    }
  }

  function save(queue) {
    try {
      localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
    } catch (e) { /* private mode without storage: the change is sent, not kept */ }
  }

  function mine(queue) {
    return queue.filter(function (op) { return op.page === root.dataset.attendance; });
  }

  function clock() {
    var d = new Date(), h = String(d.getHours()), m = ("0" + d.getMinutes()).slice(-2);
    return document.documentElement.lang === "en" ? ("0" + h).slice(-2) + ":" + m : h + "." + m;
  }

  function say(state, n) {
    var text;
    if (state === "waiting") {
      text = (n === 1 ? status.dataset.waitingOne : status.dataset.waitingOther).replace("{n}", n);
    } else if (state === "saved") {
      text = status.dataset.saved.replace("{time}", clock());
    } else {
      text = status.dataset[state];
    }
    status.dataset.state = state;
    if (status.textContent !== text) {
      status.textContent = text;
    }
  }

  /* ---- what the page shows ---- */

  function stateWords(form) {
    var checked = form.querySelector("input[name=status]:checked");
    var p = form.querySelector(".att-state");
    if (p) {
      p.textContent = checked ? root.dataset.marked + " " + root.querySelector("label[for='" + checked.id + "']").textContent
                              : root.dataset.unmarked;
    }
  }

  function walkInsShown() {
    return root.querySelector(".att-walk-ins-n");
  }

  function addDropIn(name) {
    var li = document.createElement("li"), span = document.createElement("span");
    span.className = "att-name";
    span.textContent = name;
    li.appendChild(span);
    li.appendChild(document.createTextNode(" – " + root.dataset.present));
    root.querySelector(".att-drop-ins").appendChild(li);
  }

  /* A change queued or sent, shown at once. */
  function show(op) {
    if (op.kind === "status") {
      var form = root.querySelector("form[data-api='" + op.url + "']");
      var radio = form && form.querySelector("input[name=status][value='" + op.body.status + "']");
      if (radio) {
        radio.checked = true;
        stateWords(form);
      }
    } else if (op.kind === "walk-in") {
      var out = walkInsShown();
      out.textContent = Math.max(0, parseInt(out.textContent, 10) + op.body.delta);
    } else if (op.kind === "drop-in") {
      addDropIn(op.body.display_name);
    }
  }

  /* The attendance as the server answered it; changes still waiting come on top. */
  function showServer(att) {
    var pending = mine(load());
    var walk = att.walk_ins;
    pending.forEach(function (op) {
      if (op.kind === "walk-in") {
        walk = Math.max(0, walk + op.body.delta);
      }
    });
    walkInsShown().textContent = walk;
    var marks = {};
    (att.records || []).forEach(function (r) { marks[root.dataset.attendance + "/records/" + r.person_id] = r.status; });
    (att.guest_signups || []).forEach(function (g) { marks[root.dataset.attendance + "/signups/" + g.signup_id] = g.status; });
    Array.prototype.forEach.call(root.querySelectorAll("form[data-op=status]"), function (form) {
      var waiting = pending.some(function (op) { return op.url === form.dataset.api; });
      if (waiting || !(form.dataset.api in marks)) {
        return;
      }
      var radio = form.querySelector("input[name=status][value='" + marks[form.dataset.api] + "']");
      if (radio && !radio.checked) {
        radio.checked = true;
        stateWords(form);
      }
    });
  }

  /* ---- the queue ---- */

  function enqueue(op) {
    var queue = load();
    if (op.kind === "status" || op.kind === "hours") {
      /* Setting a value again replaces a setting still waiting. */
      queue = queue.filter(function (q) { return !(q.url === op.url && q.method === op.method); });
    }
    queue.push(op);
    save(queue);
    show(op);
    flush();
  }

  function change(form) {
    var op = { page: root.dataset.attendance, kind: form.dataset.op, id: newId() };
    if (op.kind === "status") {
      var checked = form.querySelector("input[name=status]:checked");
      if (!checked) {
        return;
      }
      op.method = "PUT";
      op.url = form.dataset.api;
      op.body = { status: checked.value };
    } else if (op.kind === "walk-in") {
      op.method = "PUT";
      op.url = form.dataset.api + "/" + op.id;
      op.body = { delta: parseInt(form.querySelector("input[name=delta]").value, 10) };
    } else if (op.kind === "drop-in") {
      var name = form.querySelector("input[name=display_name]");
      if (!name.value.trim()) {
        name.focus();
        return;
      }
      op.method = "PUT";
      op.url = form.dataset.api + "/" + op.id;
      op.body = { display_name: name.value.trim() };
      name.value = "";
    } else if (op.kind === "drop-in-remove") {
      op.method = "DELETE";
      op.url = form.dataset.api;
      var li = form.closest("li");
      if (li) {
        li.parentNode.removeChild(li);
      }
    } else if (op.kind === "hours") {
      var v = form.querySelector("input[name=hours]").value.trim().replace(",", ".");
      var hours = v === "" ? 0 : Number(v);
      if (!(hours >= 0 && hours <= 10000)) {
        form.querySelector("input[name=hours]").setAttribute("aria-invalid", "true");
        return;
      }
      form.querySelector("input[name=hours]").removeAttribute("aria-invalid");
      op.method = "PATCH";
      op.url = form.dataset.api;
      op.body = { volunteer_hours: hours };
    } else {
      return;
    }
    enqueue(op);
  }

  function send(op) {
    var init = { method: op.method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } };
    if (op.body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(op.body);
    }
    return fetch(op.url, init);
  }

  function keepPage() {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ keep: location.pathname });
    }
  }

  function forgetPages() {
    try {
      localStorage.removeItem(QUEUE_KEY);
    } catch (e) { /* nothing kept */ }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ forget: true });
    }
  }

  /* Send what waits, oldest first; stop at the first that the network does
     not take (tried again later). A change the server refuses is dropped and
     the status says so; signed out (401), the changes wait for a new sign-in. */
  var refused = false;
  var retry = null;
  function flush() {
    if (sending) {
      return;
    }
    var queue = mine(load());
    if (queue.length === 0) {
      return;
    }
    sending = true;
    var op = queue[0];
    send(op).then(function (response) {
      if (response.status >= 500 || response.status === 429) {
        throw new Error("busy");
      }
      sending = false;
      if (response.status === 401) {
        say("failed");
        return;
      }
      var rest = load().filter(function (q) { return q.id !== op.id; });
      save(rest);
      refused = refused || !response.ok;
      var type = response.headers.get("Content-Type") || "";
      var next = response.ok && type.indexOf("application/json") === 0 ? response.json() : Promise.resolve(null);
      return next.then(function (att) {
        if (att && att.session_id) {
          showServer(att);
        }
        if (mine(rest).length > 0) {
          flush();
        } else {
          say(refused ? "failed" : "saved");
          refused = false;
          keepPage();
        }
      });
    }).catch(function () {
      sending = false;
      say("waiting", mine(load()).length);
      if (!retry) {
        retry = setTimeout(function () { retry = null; flush(); }, RETRY_MS);
      }
    });
  }

  Array.prototype.forEach.call(root.querySelectorAll("form[data-op=status] input[name=status]"), function (radio) {
    radio.addEventListener("change", function () {
      change(radio.form);
    });
  });
  window.addEventListener("online", flush);

  /* A page drawn (or kept) before changes that still wait: show them. */
  var waiting = mine(load());
  waiting.forEach(show);
  if (waiting.length > 0) {
    say("waiting", waiting.length);
    flush();
  }

  if (navigator.serviceWorker) {
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      if (reg.active) {
        reg.active.postMessage({ keep: location.pathname });
      }
    }).catch(function () { /* no offline copy; the page still works online */ });
  }
})();

/* Planning my meeting: autosave. Each step already saves without JavaScript when the child presses
   a button; this only adds saving as they go, so nothing is lost if the tablet locks or is put
   down. It posts the same form with "X-Autosave: 1" and shows a quiet "Saved". */
(function () {
  "use strict";

  // "Which part?" under a person matters once "Just for part of it" is chosen: until then it
  // is hidden (not while it has words or a problem), so the list is shorter for a young child.
  document.querySelectorAll("[data-part-for]").forEach(function (box) {
    var name = box.getAttribute("data-part-for");
    var words = box.querySelector("textarea, input");
    function update() {
      var chosen = document.querySelector('input[name="' + name + '"]:checked');
      box.hidden = !(chosen && chosen.value === "part") &&
        !(words && words.value.trim()) && !box.querySelector(".error-message");
    }
    document.querySelectorAll('input[name="' + name + '"]').forEach(function (choice) {
      choice.addEventListener("change", update);
    });
    update();
  });

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var version = form.querySelector('input[name="version"]');
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = meta ? meta.getAttribute("content") : "";
  var TYPING_PAUSE_MS = 1500;

  var timer = null;
  var dirty = false;
  var stopped = false; // after a clash with another tablet: the child saves by hand to see it
  var chain = Promise.resolve();
  var pending = 0;

  function say(text) {
    if (status && text) status.textContent = text;
  }

  // Saved: the whole step was accepted, so the problems shown when the page came (a box too
  // long) are over: they go, with the list at the top.
  function clearProblems() {
    var problems = document.getElementById("error-summary"); // focused by child.js
    if (problems) problems.hidden = true;
    form.querySelectorAll(".field-error").forEach(function (field) { field.classList.remove("field-error"); });
    form.querySelectorAll(".error-message").forEach(function (message) { message.hidden = true; });
    form.querySelectorAll("[aria-invalid]").forEach(function (box) { box.removeAttribute("aria-invalid"); });
  }

  function send(keepalive) {
    window.clearTimeout(timer);
    timer = null;
    if (!dirty || stopped) return chain;
    dirty = false;
    pending += 1;
    // One save at a time, each carrying the version the previous one returned.
    chain = chain.then(function () {
      var body = new FormData(form);
      body.delete("go");
      if (version) body.set("version", version.value);
      return fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        keepalive: !!keepalive,
        headers: { "X-CSRFToken": csrfToken, "X-Autosave": "1", Accept: "application/json" },
        body: body,
      })
        .then(function (response) {
          return response.json().then(function (data) {
            if (data.saved) clearProblems();
            if (data.version !== undefined && version) version.value = String(data.version);
            if (response.status === 409) stopped = true;
            say(data.message);
          });
        })
        .catch(function () {
          dirty = true;
          say(status && status.getAttribute("data-offline"));
        })
        .then(function () {
          pending -= 1;
        });
    });
    return chain;
  }

  function skip(target) {
    return !target.name || target.closest("[data-no-autosave]") || target.type === "hidden";
  }

  form.addEventListener("change", function (event) {
    if (skip(event.target)) return;
    dirty = true;
    send(false);
  });

  form.addEventListener("input", function (event) {
    var target = event.target;
    if (skip(target) || (target.type !== "text" && target.tagName !== "TEXTAREA")) return;
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { send(false); }, TYPING_PAUSE_MS);
  });

  // The button the child pressed still posts the whole form; wait for any save in flight first,
  // so the form carries the newest version and is not mistaken for another tablet.
  var resubmitting = false;
  form.addEventListener("submit", function (event) {
    if (resubmitting || (pending === 0 && timer === null)) return;
    event.preventDefault();
    window.clearTimeout(timer);
    timer = null;
    dirty = false;
    var submitter = event.submitter;
    chain.then(function () {
      // Out of the submit event first: a submit asked for while it is still being dispatched
      // (a promise callback can run then) is ignored by the browser.
      window.setTimeout(function () {
        resubmitting = true;
        if (form.requestSubmit) form.requestSubmit(submitter || undefined);
        else form.submit();
      }, 0);
    });
  });

  // After a clash nothing is saved over the other tablet's answers; what was typed since is
  // held for this page as it goes or the space locks, and shown again with the clash to
  // settle (QA: it was lost at the break).
  function hold() {
    window.clearTimeout(timer);
    timer = null;
    dirty = false;
    var body = new FormData(form);
    body.delete("go");
    // Sent at once, not after the saves before it (there are none after a clash): as the page
    // goes, a request started later may never start.
    return fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "X-CSRFToken": csrfToken, "X-Autosave": "1", "X-Hold": "1", Accept: "application/json" },
      body: body,
    }).catch(function () {});
  }

  // Back, a swipe back, a reload, or the tablet going to another app before the pause after
  // typing (QA: the last words typed were lost): what is not saved yet goes as the page does.
  var submitted = false;
  form.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) submitted = true;
  });
  // "Add someone else" is not saved as the child types (half a name would be added to their
  // list): as the page goes or the space locks it is held, with the rest of the page, and shown
  // again after (QA: it was lost while the page said everything was kept).
  function typedNotAdded() {
    var boxes = form.querySelectorAll(
      '[data-no-autosave] input[type="text"], [data-no-autosave] textarea'
    );
    return Array.prototype.some.call(boxes, function (box) { return box.value.trim() !== ""; });
  }

  function leaving() {
    if (submitted) return;
    // Held at once, as the page goes (a request chained after a save may never start).
    if (stopped || typedNotAdded()) hold();
    else if (timer !== null || dirty) send(true);
  }
  window.addEventListener("pagehide", leaving);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leaving();
  });

  // child.js asks for this before "Take a break", "Give the tablet back" and the idle lock, and
  // waits for the save handed back: it must reach the server before the session ends.
  document.addEventListener("myreview:before-lock", function (event) {
    var unsaved = timer !== null || dirty;
    var saved = unsaved ? (stopped ? hold() : send(true)) : chain;
    // Held after the save: a save lets go of what was held for the page.
    if (!stopped) saved = saved.then(function () { if (typedNotAdded()) return hold(); });
    if (event.detail && event.detail.waitFor) event.detail.waitFor(saved);
  });
})();

/* Staff pages. Everything here only adds to pages that already work without it.

   1. A form that came back with problems takes the reader straight to the list of them (screen
      readers read it; the keyboard starts there).
   2. Typing is work: while someone types into a form, the page tells the server now and then, so
      their session does not end for being idle while they write a long report and they do not
      lose it on "Save". A page left alone still times out as before.
   3. Before that happens the page says so and offers to stay signed in (below).
   4. A link to a wish waiting for an answer (#decision-...) opens that wish's answer form: the
      link promised the answer, not a closed "Answer this wish" to find and open. */
(function () {
  "use strict";
  var problems = document.getElementById("error-summary");
  if (problems) problems.focus();

  function openAnswer() {
    var id = window.location.hash.slice(1);
    if (id.indexOf("decision-") !== 0) return;
    var form = document.getElementById("answer-" + id.slice("decision-".length));
    var details = form && form.closest("details");
    if (details) details.open = true;
  }
  openAnswer();
  window.addEventListener("hashchange", openAnswer);

  var me = document.currentScript;
  var url = me && me.getAttribute("data-still-here");
  var every = me && parseInt(me.getAttribute("data-every-seconds"), 10) * 1000;
  if (!url || !every || !window.fetch) return;
  var token = me.getAttribute("data-csrf") || "";

  /* The server ends a session that has had no request for data-idle-seconds, and at the latest
     data-absolute-left seconds from now. This page's own request left data-idle-left of the
     first. Asking the server "still here" restarts it, from any tab: the tabs share the time. */
  var KEY = "my-review-staff-contact";
  var loaded = Date.now();
  var idleMs = parseInt(me.getAttribute("data-idle-seconds"), 10) * 1000;
  var absoluteEnd = loaded + parseInt(me.getAttribute("data-absolute-left"), 10) * 1000;
  var idleEnd = loaded + parseInt(me.getAttribute("data-idle-left"), 10) * 1000;
  function share() {
    try { window.localStorage.setItem(KEY, String(idleEnd)); } catch (e) { /* private mode */ }
  }
  function contacted() {
    idleEnd = Date.now() + idleMs;
    share();
  }
  function sessionEnd() {
    var shared = 0;
    try { shared = parseInt(window.localStorage.getItem(KEY), 10) || 0; } catch (e) { /* none */ }
    // A newer end from another tab wins; an older one is from a page loaded before this one.
    return Math.min(Math.max(idleEnd, shared), absoluteEnd);
  }
  share();

  var ended = false;
  function stillHere() {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    }).then(function (answer) {
      if (answer.ok) contacted();
      else showEnded(); // the server had already ended it (another tab signed out, say)
    }, function () { /* offline: the page's clock goes on; the next try may reach it */ });
  }

  var typed = false;
  document.addEventListener("input", function (event) {
    if (event.target && event.target.form) typed = true;
  });
  window.setInterval(function () {
    if (!typed) return;
    typed = false;
    stillHere();
  }, every);

  /* 3. Before an idle session ends, say so and offer to stay signed in (WCAG 2.2.1). Afterwards,
     say that it has ended: what is typed on the page stays there to save after signing in. */
  var dialog = document.getElementById("staff-timeout");
  var warnBefore = parseInt(me.getAttribute("data-warn-seconds"), 10) * 1000;
  if (!dialog || !dialog.showModal || !idleMs || !warnBefore) return;
  warnBefore = Math.min(warnBefore, idleMs / 2);
  var warningPart = dialog.querySelector('[data-state="warning"]');
  var endedPart = dialog.querySelector('[data-state="ended"]');
  var warnedFor = 0; // the end already warned of: the absolute end cannot be put off

  function show(part) {
    warningPart.hidden = part !== warningPart;
    endedPart.hidden = part !== endedPart;
    // The dialog is named and described by the part shown.
    dialog.setAttribute("aria-labelledby", part.querySelector("h2").id);
    dialog.setAttribute("aria-describedby", part.querySelector("p").id);
    if (!dialog.open) dialog.showModal();
    var first = part.querySelector("button, a");
    if (first) first.focus();
  }
  function showEnded() {
    if (ended || !endedPart) return; // no dialog on this page or in this browser
    ended = true;
    show(endedPart);
  }
  function stay() {
    if (dialog.open) dialog.close();
    stillHere();
  }
  dialog.querySelector('[data-action="stay"]').addEventListener("click", stay);
  dialog.querySelector('[data-action="close"]').addEventListener("click", function () {
    dialog.close();
  });
  // Escape on the warning means the person is here: the same as "Stay signed in".
  dialog.addEventListener("cancel", function (event) {
    if (!ended) {
      event.preventDefault();
      stay();
    }
  });

  window.setInterval(function () {
    if (ended) return;
    var end = sessionEnd();
    var left = end - Date.now();
    if (left <= 0) {
      showEnded();
    } else if (left <= warnBefore) {
      if (typed && end < absoluteEnd) {
        // Typed since the last word to the server: that is use, not idleness.
        typed = false;
        stillHere();
      } else if (!dialog.open && warnedFor !== end) {
        warnedFor = end;
        show(warningPart);
      }
    } else if (dialog.open) {
      dialog.close(); // another tab reached the server meanwhile
    }
  }, 1000);
})();

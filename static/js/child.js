/* Child pages: read-aloud and the idle lock. Everything here only adds to pages that already work
   without JavaScript. */
(function () {
  "use strict";

  var csrf = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrf ? csrf.getAttribute("content") : "";

  function post(url) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken },
    });
  }

  /* --- Read aloud, in the page's language, with the browser's own voices. --- */
  var synth = window.speechSynthesis;
  var lang = document.documentElement.lang || "en";

  function voiceFor(language) {
    var voices = synth ? synth.getVoices() : [];
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.toLowerCase().indexOf(language.toLowerCase()) === 0) {
        return voices[i];
      }
    }
    return null;
  }

  function textOf(selector) {
    var node = document.querySelector(selector);
    if (!node) return "";
    var clone = node.cloneNode(true);
    // Controls that only make sense on screen are not read out.
    clone.querySelectorAll("[hidden], .read-aloud, script, .visually-hidden-skip").forEach(function (n) {
      n.remove();
    });
    return clone.innerText || clone.textContent || "";
  }

  function setUpReadAloud() {
    if (!synth) return;
    document.querySelectorAll(".read-aloud").forEach(function (button) {
      button.hidden = false;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        if (synth.speaking) {
          synth.cancel();
          button.setAttribute("aria-pressed", "false");
          return;
        }
        var utterance = new SpeechSynthesisUtterance(textOf(button.getAttribute("data-read")));
        utterance.lang = lang;
        var voice = voiceFor(lang);
        if (voice) utterance.voice = voice;
        utterance.rate = 0.9;
        utterance.onend = function () { button.setAttribute("aria-pressed", "false"); };
        button.setAttribute("aria-pressed", "true");
        synth.speak(utterance);
      });
    });
  }

  /* --- Idle lock: warn a minute before, offer "I'm still here", then lock (answers are saved). --- */
  function setUpIdleLock() {
    var warning = document.getElementById("idle-warning");
    var lockForm = document.getElementById("lock-form");
    if (!warning || !lockForm) return;
    var idleMs = parseInt(warning.getAttribute("data-idle-seconds"), 10) * 1000;
    if (!idleMs) return;
    var warnMs = Math.max(idleMs - 60000, idleMs / 2);
    var lastActive = Date.now();
    var lastPing = Date.now();
    var warned = false;

    function active() {
      lastActive = Date.now();
      if (warned) hideWarning();
      // Typing does not reach the server by itself: tell it now and then that the child is here.
      if (Date.now() - lastPing > 60000) {
        lastPing = Date.now();
        post("/me/still-here");
      }
    }

    function hideWarning() {
      warned = false;
      warning.hidden = true;
    }

    ["pointerdown", "keydown", "input", "scroll"].forEach(function (type) {
      document.addEventListener(type, active, { passive: true, capture: true });
    });
    document.getElementById("still-here").addEventListener("click", function () {
      lastActive = Date.now();
      lastPing = Date.now();
      post("/me/still-here");
      hideWarning();
    });

    window.setInterval(function () {
      var idle = Date.now() - lastActive;
      if (idle >= idleMs) {
        var resume = lockForm.querySelector('input[name="resume"]');
        if (resume) resume.value = window.location.pathname + window.location.search;
        // Let autosave finish first (planning and views pages listen for this event).
        document.dispatchEvent(new CustomEvent("myreview:before-lock"));
        window.setTimeout(function () { lockForm.submit(); }, 300);
      } else if (idle >= warnMs && !warned) {
        warned = true;
        warning.hidden = false;
        document.getElementById("still-here").focus();
      }
    }, 1000);
  }

  setUpReadAloud();
  if (synth && synth.onvoiceschanged !== undefined) synth.onvoiceschanged = function () {};
  setUpIdleLock();
})();

/* Child pages: focus on a form's problems, read-aloud and the idle lock. Everything here only adds
   to pages that already work without JavaScript. */
(function () {
  "use strict";

  // A form that came back with a problem: take the reader straight to the list of what to
  // change (a screen reader reads it first; Tab goes on from there), as on staff pages.
  var problems = document.getElementById("error-summary");
  if (problems) problems.focus();

  var csrf = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrf ? csrf.getAttribute("content") : "";

  function post(url) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken },
    });
  }

  /* --- Read aloud, in the page's language. The browser's own voice when it has one for the
     language; otherwise audio made on the server (POST /me/read-aloud), played with a big
     "Pause" button beside it (the browser's own audio controls are too small to tap, about 30
     px); or a plain message that there is none. --- */
  var synth = window.speechSynthesis || null;
  var lang = (document.documentElement.lang || "en").toLowerCase();
  var readAloud = document.getElementById("read-aloud");
  var server = readAloud && readAloud.getAttribute("data-server-voice") !== "no" &&
    window.fetch && window.FormData ? {
    url: readAloud.getAttribute("data-url"),
    noVoice: readAloud.getAttribute("data-no-voice"),
    failed: readAloud.getAttribute("data-failed"),
    pause: readAloud.getAttribute("data-pause"),
    carryOn: readAloud.getAttribute("data-carry-on"),
  } : null;
  // Server audio is asked for in pieces of about this many characters: the first plays sooner.
  var PIECE_CHARS = 1500;
  // Not read out: controls that only make sense on screen, and whatever is not shown.
  var SKIP = "[hidden], [aria-hidden='true'], .read-aloud, .read-aloud-bar, .read-aloud-status, " +
    ".read-aloud-pause, audio, script, style, template, .visually-hidden-skip";
  var current = null; // what is being read now: { button, stopped, stop() }

  function primary(tag) { return (tag || "").toLowerCase().split(/[-_]/)[0]; }

  function voiceFor(language) {
    var voices = synth ? synth.getVoices() : [];
    for (var i = 0; i < voices.length; i++) {
      if (primary(voices[i].lang) === primary(language)) return voices[i];
    }
    return null;
  }

  // Voices load asynchronously: wait for them briefly, once.
  var browserVoice; // undefined until known, then a voice or null
  var voiceKnown = new Promise(function (resolve) {
    if (!synth || typeof window.SpeechSynthesisUtterance === "undefined") return resolve(null);
    if (synth.getVoices().length) return resolve(voiceFor(lang));
    var settle = function () { resolve(voiceFor(lang)); };
    if (synth.addEventListener) synth.addEventListener("voiceschanged", settle);
    window.setTimeout(settle, 1500);
  }).then(function (voice) { browserVoice = voice; return voice; });

  // Said after a choice that is ticked: a child who cannot read hears what they chose (QA: every
  // option was read alike, chosen or not).
  var CHOSEN = readAloud ? readAloud.getAttribute("data-chosen") || "" : "";

  function ticked(node) {
    var input = node.tagName === "LABEL" ? node.control : null;
    return !!(input && (input.type === "radio" || input.type === "checkbox") && input.checked);
  }

  function textOf(selector) {
    var root = document.querySelector(selector);
    if (!root) return "";
    var parts = [];
    (function walk(node) {
      if (node.nodeType === 3) { parts.push(node.nodeValue); return; }
      if (node.nodeType !== 1 || node.matches(SKIP)) return;
      var style = window.getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden") return;
      var say = node.getAttribute("data-say");
      if (say) { parts.push(say); return; } // "9 9 9", not "nine hundred and ninety-nine"
      var block = style.display !== "inline"; // a heading, a paragraph, a button: its own line
      if (block) parts.push("\n");
      for (var child = node.firstChild; child; child = child.nextSibling) walk(child);
      if (CHOSEN && ticked(node)) {
        // On the choice's own line: "Pizza (you chose this)", not a line of its own.
        while (parts.length && !/\S/.test(parts[parts.length - 1])) parts.pop();
        parts.push(" (" + CHOSEN + ")");
      }
      if (block) parts.push("\n");
    })(root);
    return parts.join("").replace(/[^\S\n]+/g, " ").replace(/ ?\n\s*/g, "\n").trim();
  }

  function pieces(text) {
    var found = [];
    var rest = text;
    while (rest.length > PIECE_CHARS) {
      var head = rest.slice(0, PIECE_CHARS);
      var sentences = head.match(/^[\s\S]*[.!?\u061f\u06d4\u1362\u1367\n]/); // to the last end
      var cut = sentences ? sentences[0].length : 0;
      if (cut < PIECE_CHARS / 3) cut = head.lastIndexOf(" ") + 1;
      if (cut <= 0) cut = PIECE_CHARS;
      found.push(rest.slice(0, cut).trim());
      rest = rest.slice(cut);
    }
    if (rest.trim()) found.push(rest.trim());
    return found;
  }

  function finish(reading) {
    if (current === reading) current = null;
    if (reading.stopped) return;
    reading.stopped = true;
    reading.cleanups.forEach(function (clean) { clean(); });
    reading.button.setAttribute("aria-pressed", "false");
  }

  function speakInBrowser(reading, text, voice) {
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = voice.lang || lang;
    utterance.voice = voice;
    utterance.rate = 0.9;
    utterance.onend = utterance.onerror = function () { finish(reading); };
    reading.cleanups.push(function () { synth.cancel(); });
    synth.speak(utterance);
  }

  function formatFor(audio) {
    if (audio.canPlayType('audio/ogg; codecs="opus"')) return "ogg";
    if (audio.canPlayType("audio/mpeg")) return "mp3";
    return "wav";
  }

  function playFromServer(reading, status, audio, pause, text) {
    var parts = pieces(text);
    var format = formatFor(audio);
    var controller = window.AbortController ? new AbortController() : null;
    var urls = [];
    var asked = [];
    var index = 0;

    function fail(answer) {
      if (reading.stopped) return;
      answer = answer || {};
      status.textContent = answer.message ||
        (answer.available === false ? server.noVoice : server.failed);
      finish(reading);
    }

    function get(i) {
      if (!asked[i]) {
        var body = new FormData();
        body.append("text", parts[i]);
        body.append("format", format);
        asked[i] = fetch(server.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken, Accept: "audio/*, application/json" },
          body: body,
          signal: controller ? controller.signal : undefined,
        }).then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (response.ok && type.indexOf("audio/") === 0) {
            return response.blob().then(function (blob) {
              var url = URL.createObjectURL(blob);
              urls.push(url);
              return url;
            });
          }
          return response.json().catch(function () { return {}; }).then(function (answer) {
            throw { answer: answer };
          });
        });
        asked[i].catch(function () {}); // a piece asked for early reports when it is reached
      }
      return asked[i];
    }

    function play(i) {
      get(i).then(function (url) {
        if (reading.stopped) return;
        audio.src = url;
        pause.hidden = false;
        var started = audio.play();
        // If the browser will not start it by itself, the same button can: it says "Carry on".
        if (started && started.catch) {
          started.catch(function () { if (!reading.stopped) pause.textContent = server.carryOn; });
        }
        if (i + 1 < parts.length) get(i + 1);
      }, function (problem) {
        fail(problem && problem.answer);
      });
    }

    audio.onended = function () {
      index += 1;
      if (index < parts.length) play(index);
      else finish(reading);
    };
    audio.onerror = function () { if (audio.getAttribute("src")) fail(); };
    reading.cleanups.push(function () {
      if (controller) controller.abort();
      audio.onended = audio.onerror = null;
      audio.pause();
      if (document.activeElement === pause) reading.button.focus();
      pause.hidden = true;
      pause.textContent = server.pause;
      audio.removeAttribute("src");
      audio.load();
      urls.forEach(function (url) { URL.revokeObjectURL(url); });
    });
    play(0);
  }

  function setUpReadAloud() {
    if (!synth && !server) return;
    document.querySelectorAll(".read-aloud").forEach(function (button) {
      var status = button.parentNode.querySelector(".read-aloud-status");
      if (!status) {
        status = document.createElement("span");
        status.className = "read-aloud-status";
        status.setAttribute("role", "status");
        button.insertAdjacentElement("afterend", status);
      }
      var audio = document.createElement("audio");
      audio.className = "read-aloud-audio";
      audio.hidden = true;
      audio.preload = "auto";
      status.insertAdjacentElement("afterend", audio);
      var pause = document.createElement("button");
      pause.type = "button";
      pause.className = "button secondary read-aloud-pause";
      pause.hidden = true;
      pause.textContent = server ? server.pause : "";
      audio.insertAdjacentElement("afterend", pause);
      pause.addEventListener("click", function () {
        if (audio.paused) {
          var resumed = audio.play();
          if (resumed && resumed.catch) resumed.catch(function () {});
          pause.textContent = server.pause;
        } else {
          audio.pause();
          pause.textContent = server.carryOn;
        }
      });
      // Shown once there is a voice to read with, the tablet's or the server's: with none, a
      // button that only says so in writing is no help to a child who cannot read (QA).
      // data-voice says what was found ("yes" or "none"), for whoever needs to know it is settled.
      voiceKnown.then(function (voice) {
        if (voice || server) button.hidden = false;
        readAloud.setAttribute("data-voice", voice || server ? "yes" : "none");
      });
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        var again = current && current.button === button;
        if (current) finish(current);
        if (again) return; // pressing again stops
        status.textContent = "";
        var text = textOf(button.getAttribute("data-read"));
        if (!text) return;
        if (server && !browserVoice) {
          // Let this element play later, after the fetch (some tablets allow it only when
          // play() was first called during the press itself).
          var unlocked = audio.play();
          if (unlocked && unlocked.catch) unlocked.catch(function () {});
        }
        var reading = { button: button, stopped: false, cleanups: [] };
        current = reading;
        button.setAttribute("aria-pressed", "true");
        voiceKnown.then(function (voice) {
          if (reading.stopped) return;
          if (voice) {
            audio.pause();
            speakInBrowser(reading, text, voice);
          } else if (server) {
            playFromServer(reading, status, audio, pause, text);
          } else {
            status.textContent = readAloud ? readAloud.getAttribute("data-no-voice") : "";
            finish(reading);
          }
        });
      });
    });
  }

  /* --- Saving first: before the space locks ("Take a break", or idle), the tablet is given back
     or the language is changed, pages with unsaved words save them. Listeners of
     "myreview:before-lock" (views.js, planning.js) start their save; they may hand back a
     promise with event.detail.waitFor(), and the lock waits for it (never longer than
     SAVE_WAIT_MS, so a button never hangs, unless a photo or video is still moving: STALL_MS):
     a lock or give-back that reached the server first would end the session and the save with
     it, and a new item's address is known only once its first save answers. --- */
  var SAVE_WAIT_MS = 4000;
  // Listeners that hand back nothing (a keepalive save) get a moment to send it.
  var SEND_MOMENT_MS = 300;
  // A photo or video still on its way (views.js says so as it goes, "myreview:still-saving")
  // is waited for as long as it moves: on slow wifi a video takes minutes, and leaving the page
  // would cut it off. Nothing sent for this long, and the break goes ahead without it.
  var STALL_MS = 30000;

  // While a photo or video is still going, the page is covered (it may be left open: the idle
  // lock) by one message and how far the sending has got.
  function showSavingFirst(detail) {
    var cover = document.getElementById("saving-first");
    if (!cover) return;
    if (cover.hidden) {
      cover.hidden = false;
      document.body.classList.add("saving-first");
      cover.querySelector("h2").focus();
    }
    var bar = cover.querySelector("progress");
    if (bar && detail && detail.total) bar.value = Math.round((detail.loaded / detail.total) * 100);
  }

  function hideSavingFirst() {
    var cover = document.getElementById("saving-first");
    if (!cover) return;
    cover.hidden = true;
    document.body.classList.remove("saving-first");
  }
  // Back to this page from the browser's history: not still saving.
  window.addEventListener("pageshow", hideSavingFirst);

  function saveFirst() {
    var waiting = [];
    document.dispatchEvent(new CustomEvent("myreview:before-lock", {
      detail: { waitFor: function (promise) { waiting.push(promise); } },
    }));
    return new Promise(function (resolve) {
      var timer = window.setTimeout(finish, waiting.length ? SAVE_WAIT_MS : SEND_MOMENT_MS);
      function moving(event) {
        window.clearTimeout(timer);
        timer = window.setTimeout(finish, STALL_MS);
        showSavingFirst(event.detail);
      }
      function finish() {
        window.clearTimeout(timer);
        document.removeEventListener("myreview:still-saving", moving);
        resolve();
      }
      document.addEventListener("myreview:still-saving", moving);
      if (waiting.length) Promise.all(waiting).then(finish, finish);
    });
  }

  // Come back to where the child is now: autosave may have changed the address since the page
  // was drawn (a new item becomes its "change" page), so the value written then is stale.
  function setResume(lockForm) {
    var resume = lockForm.querySelector('input[name="resume"]');
    if (resume) resume.value = window.location.pathname + window.location.search;
  }

  /* --- Holding first: pages that send only when the child presses (the worry note, "You said,
     we did") mark their form data-hold-on-lock. Before a break or the idle lock (not giving the
     tablet back: that ends the sitting), the space is locked first, and only then is the form
     sent: a locked space holds what is sent to such a page and never sends or saves it
     (security/access.py, child/held.py), so nobody is told of a worry the child did not send.
     After the picture code the page shows it again. Without a script, or when the lock could
     not be sent this way, the lock form is sent as before. --- */

  // Something typed or chosen since the page was drawn, or the page drew answers not saved.
  function hasAnswers(form) {
    if (form.hasAttribute("data-unsaved")) return true;
    return Array.prototype.some.call(form.elements, function (field) {
      if (!field.name || field.disabled) return false;
      var type = (field.type || "").toLowerCase();
      if (type === "radio" || type === "checkbox") return field.checked !== field.defaultChecked;
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
      }
      if (/^(hidden|file|submit|button|reset|image)$/.test(type)) return false;
      return field.value !== field.defaultValue;
    });
  }

  // What is held is one form for each address (child/held.py): the first form with answers.
  // ("You said, we did" is one form for all its decisions: all of them are held together.)
  function formToHold() {
    var forms = document.querySelectorAll("form[data-hold-on-lock]");
    for (var i = 0; i < forms.length; i++) {
      if (hasAnswers(forms[i])) return forms[i];
    }
    return null;
  }

  function samePath(url, path) {
    try { return new URL(url, window.location.href).pathname === path; } catch (e) { return false; }
  }

  // Resolves true when the space is locked and the page's answers sent to be held (the browser
  // is then on its way to the picture code); false when the lock form is still to be sent.
  function lockAndHold(lockForm) {
    var form = formToHold();
    var unlockPath = lockForm.getAttribute("data-unlock-url");
    if (!form || !unlockPath || !window.fetch || !window.FormData || !window.URL) {
      return Promise.resolve(false);
    }
    return fetch(lockForm.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      body: new FormData(lockForm),
    }).then(function (locked) {
      // Only once the server has locked the space (it answers with the picture code): sent to
      // an open space, a worry would be sent, not held.
      if (!locked.ok || !samePath(locked.url, unlockPath)) return false;
      var done = function () { window.location.assign(locked.url); return true; };
      return fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        credentials: "same-origin",
        body: new FormData(form),
        redirect: "manual", // held, and sent to the picture code: the browser goes there next
      }).then(done, done);
    }).catch(function () { return false; });
  }

  function lock(lockForm) {
    setResume(lockForm);
    lockAndHold(lockForm).then(function (done) {
      if (!done) lockForm.submit(); // no submit event this time: straight to the server
    });
  }

  function submitAfterSaving(form, send) {
    if (!form || !window.Promise || typeof window.CustomEvent !== "function") return;
    var going = false;
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      event.preventDefault();
      if (going) return; // pressed twice: the first press is already on its way
      going = true;
      saveFirst().then(function () {
        if (send) send(form);
        else form.submit(); // no submit event this time: straight to the server
      });
    });
    // Back to this page from the browser's history: the button works again.
    window.addEventListener("pageshow", function () { going = false; });
  }

  function setUpLockButtons() {
    submitAfterSaving(document.getElementById("lock-form"), lock);
    submitAfterSaving(document.getElementById("give-back-form"));
    // Changing language leaves the page too: a photo chosen and not saved went with it (QA).
    submitAfterSaving(document.querySelector("form.language-switch"));
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
    var locking = false;
    var focusedBefore = null; // where the child was when the warning came: back there after it

    function active(event) {
      // The warning's own buttons answer for themselves: a key pressed on "I'm still here"
      // would otherwise hide it and move the focus before the press lands.
      if (event && warning.contains(event.target)) return;
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
      var hadFocus = warning.contains(document.activeElement);
      warning.hidden = true;
      if (hadFocus && focusedBefore && document.contains(focusedBefore)) {
        focusedBefore.focus({ preventScroll: true });
      }
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
        if (locking) return;
        locking = true;
        saveFirst().then(function () { lock(lockForm); });
      } else if (idle >= warnMs && !warned) {
        warned = true;
        // A photo or video chosen but not sent yet is sent before the lock (views.js), but it
        // may be refused, or the wifi may stop it (STALL_MS): ask for "Save", and promise only
        // the words (not "everything").
        var files = document.getElementById("idle-warning-files");
        var wordsOnly = document.getElementById("idle-warning-text-files");
        if (files) {
          files.hidden = !Array.prototype.some.call(
            document.querySelectorAll('input[type="file"]'),
            function (input) { return input.files && input.files.length > 0; }
          );
          var text = "idle-warning-text";
          if (wordsOnly) {
            wordsOnly.hidden = files.hidden;
            document.getElementById("idle-warning-text").hidden = !files.hidden;
            text = files.hidden ? "idle-warning-text" : "idle-warning-text-files";
          }
          // Read out with the warning when it shows (a hidden line would be read out too).
          warning.setAttribute(
            "aria-describedby", files.hidden ? text : text + " idle-warning-files"
          );
        }
        // Over the page, not at its top, and focused without scrolling: a scroll counts as
        // the child being there, so the warning's own scroll hid it again at once, and the
        // page jumped to its top (QA).
        focusedBefore = document.activeElement;
        warning.hidden = false;
        document.getElementById("still-here").focus({ preventScroll: true });
        // Its own scroll, not the page's: at 400% zoom the button was below the panel's fold
        // and could not be seen (QA). The warning's own events do not count as the child.
        warning.scrollTop = warning.scrollHeight;
      }
    }, 1000);
  }

  // "How my pages look": each choice shows on the page at once, so a child who cannot read the
  // words sees what it does. Only "Save how it looks" keeps it (the page says so).
  function setUpDisplayPreview() {
    var form = document.querySelector("form.display-settings");
    if (!form) return;
    var body = document.body;
    var classFor = {
      high_contrast: "high-contrast",
      calm_colours: "calm",
      easy_read: "easy-read",
      reduce_motion: "reduce-motion"
    };
    function show() {
      var size = form.querySelector('input[name="text_size"]:checked');
      if (size) {
        body.className = body.className.replace(/\btext-\w+/g, "").trim();
        body.classList.add("text-" + size.value);
      }
      Object.keys(classFor).forEach(function (name) {
        var box = form.querySelector('input[name="' + name + '"]');
        if (box) body.classList.toggle(classFor[name], box.checked);
      });
      // The easier font's style sheet is sent only to children who chose it: fetch it now.
      var easy = form.querySelector('input[name="easy_read"]');
      var sheet = form.getAttribute("data-easy-read-css");
      if (easy && easy.checked && sheet && !document.querySelector('link[href="' + sheet + '"]')) {
        var link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = sheet;
        document.head.appendChild(link);
      }
    }
    form.addEventListener("change", show);
  }

  setUpReadAloud();
  setUpLockButtons();
  setUpIdleLock();
  setUpDisplayPreview();
})();

/* My views: everything here only adds to pages that work without JavaScript.
   - Autosave of the words as the child types (so the idle lock never loses them). The first save
     of a new item makes it (once it has words: a face alone waits for "Save"); the form then
     carries on as that item's "change" form.
   - Files too big to send are caught before sending, with the words still on the page.
   - The photo and video buttons speak the child's language and show what was chosen.
   - "Getting your video ready" turns into the video when the worker has finished. */
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = meta ? meta.getAttribute("content") : "";

  /* --- Autosave of the words ------------------------------------------------------------ */
  function setUpAutosave(form) {
    if (!window.fetch || !window.FormData) return;
    var status = document.getElementById("autosave-status");
    var version = form.querySelector('input[name="version"]');
    var TYPING_PAUSE_MS = 2000;
    var WORDS = ["text", "caption", "feeling", "author", "version", "form_key", "csrf_token"];
    var timer = null;
    var dirty = false;
    var stopped = false;
    var pending = 0;
    var chain = Promise.resolve();

    function say(text) {
      if (status && text) status.textContent = text;
    }

    // Saved: the words' own problems ("That's a lot for one") are over, so they go, from the
    // box and from the list at the top (which goes too if nothing else is in it). A problem
    // with a photo or video stays: saving words does not answer it.
    function clearWordProblems() {
      var summary = document.getElementById("error-summary");
      WORDS.forEach(function (name) {
        var input = form.querySelector('[name="' + name + '"]:not([type="hidden"])');
        if (!input) return;
        var field = input.closest(".field");
        if (field) {
          field.classList.remove("field-error");
          field.querySelectorAll(".error-message").forEach(function (message) { message.hidden = true; });
        }
        form.querySelectorAll('[name="' + name + '"]').forEach(function (box) { box.removeAttribute("aria-invalid"); });
        if (summary) {
          summary.querySelectorAll('a[href="#' + name + '"]').forEach(function (link) {
            var item = link.closest("li");
            if (item) item.remove();
          });
        }
      });
      if (summary && !summary.querySelector("li")) summary.hidden = true;
    }

    function wordsOnly() {
      var all = new FormData(form);
      var body = new FormData();
      WORDS.forEach(function (name) {
        all.getAll(name).forEach(function (value) {
          if (typeof value === "string") body.append(name, value);
        });
      });
      if (version) body.set("version", version.value);
      return body;
    }

    // A new thing is made by its first save. A face tapped while looking made one, and Back
    // did not take it away (QA): until it exists, it is saved as it goes only once it has words.
    var isNew = form.hasAttribute("data-new");
    function hasWords() {
      return ["text", "caption"].some(function (name) {
        var box = form.querySelector('[name="' + name + '"]');
        return box && box.value.trim() !== "";
      });
    }

    function send(keepalive) {
      window.clearTimeout(timer);
      timer = null;
      if (!dirty || stopped) return chain;
      // Stays dirty, saved with the first words; but a break keeps what was chosen (keepalive).
      if (isNew && !hasWords() && !keepalive) return chain;
      dirty = false;
      pending += 1;
      chain = chain.then(function () {
        say(status && status.getAttribute("data-saving"));
        return fetch(form.action, {
          method: "POST",
          credentials: "same-origin",
          keepalive: !!keepalive,
          headers: { "X-CSRFToken": csrfToken, "X-Autosave": "1", Accept: "application/json" },
          body: wordsOnly(),
        })
          .then(function (response) {
            return response.json().then(function (data) {
              if (response.status === 409) stopped = true;
              if (data.saved) {
                clearWordProblems();
                if (version && data.version !== undefined) version.value = String(data.version);
                if (data.change_url) isNew = false;
                if (data.change_url && form.action.indexOf(data.change_url) === -1) {
                  // The new item exists now: save into it from here on, and come back to it
                  // after a break.
                  form.action = data.change_url;
                  // Forms that come back to this page (the language switch, a break) come back
                  // to the thing now, not to an empty "add" page (QA: the words looked lost).
                  var here = window.location.pathname + window.location.search;
                  document.querySelectorAll('input[name="next"]').forEach(function (next) {
                    if (next.value === here) next.value = data.change_url;
                  });
                  if (window.history && window.history.replaceState) {
                    window.history.replaceState(null, "", data.change_url);
                  }
                }
              }
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

    function isWords(target) {
      return target && WORDS.indexOf(target.name) !== -1 && target.type !== "hidden";
    }

    form.addEventListener("input", function (event) {
      if (!isWords(event.target)) return;
      dirty = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { send(false); }, TYPING_PAUSE_MS);
    });
    // A choice at once; words when the child leaves the box (a textarea's "change" comes on
    // blur), so pressing another button straight after typing does not wait for the pause.
    form.addEventListener("change", function (event) {
      if (!isWords(event.target)) return;
      if (event.target.tagName === "TEXTAREA" && timer === null && !dirty) return; // saved already
      dirty = true;
      send(false);
    });

    // Wait for a save in flight, so the real "Save" carries the newest version and address.
    var resubmitting = false;
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented || resubmitting || (pending === 0 && timer === null)) return;
      event.preventDefault();
      window.clearTimeout(timer);
      timer = null;
      dirty = false;
      chain.then(function () {
        // A new task: inside this submit event (and its microtasks) the browser ignores
        // requestSubmit(), so a save that had already finished would never send the form.
        window.setTimeout(function () {
          resubmitting = true;
          if (form.requestSubmit) form.requestSubmit();
          else form.submit();
        }, 0);
      });
    });

    // Back, a swipe back, a reload, or the tablet going to another app before the pause after
    // typing (QA: the last words typed were lost): what is not saved yet goes as the page does.
    // On a new thing's page the words are held for the page, not made into a thing: coming
    // back (Forward, the reload) shows them, and "Save" makes one thing, not a second (QA).
    // Not a face alone (leaving is not making anything), nor after "Save" was pressed.
    var submitted = false;
    form.addEventListener("submit", function (event) {
      if (!event.defaultPrevented) submitted = true;
    });
    // Held for the page, not saved: a new thing's words (see above), and after a clash with
    // another tablet what was typed since (saved, it would go over the other tablet's words;
    // QA: it was lost at the break). Shown again when the child comes back to the page.
    function holdForPage() {
      window.clearTimeout(timer);
      timer = null;
      dirty = false;
      return fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "X-CSRFToken": csrfToken, "X-Autosave": "1", "X-Hold": "1", Accept: "application/json" },
        body: wordsOnly(),
      }).catch(function () {});
    }

    function leaving() {
      if (submitted || (timer === null && !dirty) || (isNew && !hasWords())) return;
      if (isNew || stopped) holdForPage();
      else send(true);
    }
    window.addEventListener("pagehide", leaving);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") leaving();
    });

    // child.js asks for this before "Take a break", "Give the tablet back" and the idle lock, and
    // waits for the save handed back (even one already on its way): it must reach the server
    // before the session ends, and a new item's address must be known before the break.
    document.addEventListener("myreview:before-lock", function (event) {
      var unsaved = timer !== null || dirty;
      var saved = unsaved ? (stopped ? holdForPage() : send(true)) : chain;
      // A photo or video chosen and not sent yet: autosave carries words only, so it is sent
      // as "Save" would send it, words and all (a break must not drop it). Where it is saved
      // to (the item's page) is where the child comes back after the break.
      if (hasFiles()) saved = saved.then(saveWithFiles);
      if (event.detail && event.detail.waitFor) event.detail.waitFor(saved);
    });

    function hasFiles() {
      return Array.prototype.some.call(form.querySelectorAll('input[type="file"]'), function (input) {
        return input.files && input.files.length > 0;
      });
    }

    // Sent with XMLHttpRequest, not fetch: its upload progress tells child.js that a video is
    // still on its way on slow wifi, and the break waits for it (a lock sent meanwhile would
    // leave the page and cut the sending off). Each step is passed on as "myreview:still-saving".
    function saveWithFiles() {
      return new Promise(function (resolve) {
        var request = new XMLHttpRequest();
        request.open("POST", form.action);
        request.upload.addEventListener("progress", function (event) {
          document.dispatchEvent(new CustomEvent("myreview:still-saving", {
            detail: { loaded: event.loaded, total: event.lengthComputable ? event.total : 0 },
          }));
        });
        request.addEventListener("load", function () {
          var back = new URL(request.responseURL || form.action, window.location.href);
          var stayed = back.pathname === new URL(form.action, window.location.href).pathname;
          // Saved: the page it went on to (the thing, or its topic). A page with a problem
          // (a photo refused) is not followed: the words are saved or held, and the child
          // comes back here to choose again.
          if (request.status === 200 && !stayed) {
            // Forms that come back to this page (the language switch) come back there too.
            var here = window.location.pathname + window.location.search;
            document.querySelectorAll('input[name="next"]').forEach(function (next) {
              if (next.value === here) next.value = back.pathname + back.search;
            });
            if (window.history.replaceState) {
              window.history.replaceState(null, "", back.pathname + back.search);
            }
          }
          resolve();
        });
        // Offline or stopped: the words are saved or held as before.
        ["error", "abort", "timeout"].forEach(function (type) {
          request.addEventListener(type, function () { resolve(); });
        });
        request.send(new FormData(form));
      });
    }
  }

  /* --- Files too big to send --------------------------------------------------------------- */
  function setUpSizeCheck(form) {
    var maxPhoto = parseInt(form.getAttribute("data-max-photo-bytes"), 10) || 0;
    var maxVideo = parseInt(form.getAttribute("data-max-video-bytes"), 10) || 0;
    var maxUpload = parseInt(form.getAttribute("data-max-upload-bytes"), 10) || 0;
    var sendStatus = form.querySelector(".send-status");

    function tooBig() {
      var total = 0;
      var problem = null;
      form.querySelectorAll('input[type="file"]').forEach(function (input) {
        var isVideo = input.name === "video";
        var cap = isVideo ? maxVideo : maxPhoto;
        Array.prototype.forEach.call(input.files || [], function (file) {
          total += file.size;
          if (!problem && cap && file.size > cap) {
            problem = { input: input, message: form.getAttribute(isVideo ? "data-video-too-big" : "data-photo-too-big") };
          }
        });
      });
      if (!problem && maxUpload && total > maxUpload) {
        var video = form.querySelector('input[name="video"]');
        problem = { input: video, message: form.getAttribute("data-video-too-big") };
      }
      return problem;
    }

    form.addEventListener("submit", function (event) {
      var problem = tooBig();
      if (problem) {
        event.preventDefault();
        if (sendStatus) sendStatus.textContent = problem.message;
        if (problem.input) problem.input.focus();
        return;
      }
      if (event.defaultPrevented) return;
      if (sendStatus) sendStatus.textContent = form.getAttribute("data-sending") || "";
    });
  }

  /* --- Choosing photos and a video ----------------------------------------------------------
     The browser's own button says "Choose Files" in the browser's language; the label, in the
     reader's, becomes the button (the file input lies over it, unseen, so a tap on it is a tap
     on the input), and the photos chosen are shown as small pictures (or by name, when the
     browser cannot show one: HEIC, a video). */
  function setUpFilePickers(form) {
    form.querySelectorAll(".file-picker").forEach(function (picker) {
      var input = picker.querySelector('input[type="file"]');
      var chosen = input && document.getElementById(input.id + "-chosen");
      if (!chosen || !window.URL || !URL.createObjectURL) return;
      var shown = [];
      picker.classList.add("enhanced");
      picker.querySelector("label").classList.add("button", "secondary");
      chosen.hidden = false;

      function show() {
        shown.forEach(function (url) { URL.revokeObjectURL(url); });
        shown = [];
        chosen.textContent = "";
        var files = Array.prototype.slice.call(input.files || []);
        var heading = document.createElement("p");
        heading.textContent = chosen.getAttribute(files.length ? "data-chosen" : "data-nothing");
        chosen.appendChild(heading);
        if (!files.length) return;
        var list = document.createElement("ul");
        list.className = "chosen-files";
        files.forEach(function (file) {
          var item = document.createElement("li");
          if (/^image\//.test(file.type)) {
            var picture = document.createElement("img");
            var url = URL.createObjectURL(file);
            shown.push(url);
            picture.alt = "";
            picture.src = url;
            picture.addEventListener("error", function () { picture.remove(); });
            item.appendChild(picture);
          }
          var name = document.createElement("span");
          name.dir = "auto"; // a file's name in its own direction, on a right-to-left page too
          name.textContent = file.name;
          item.appendChild(name);
          list.appendChild(item);
        });
        chosen.appendChild(list);
      }

      input.addEventListener("change", show);
      show();
    });
  }

  /* --- Getting the video ready ------------------------------------------------------------- */
  function setUpWaiting() {
    var waiting = document.querySelectorAll("[data-status-url]");
    if (!waiting.length || !window.fetch) return;
    var url = waiting[0].getAttribute("data-status-url");
    var delay = 2000;
    function check() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && data.processing === 0) {
            window.location.reload();
            return;
          }
          delay = Math.min(delay * 1.5, 15000);
          window.setTimeout(check, delay);
        })
        .catch(function () { window.setTimeout(check, 15000); });
    }
    window.setTimeout(check, delay);
  }

  /* --- A big button for the child's video ------------------------------------------------- */
  // The browser's own video controls are about 30 px, too small for a child's finger (QA): a
  // button as big as the others plays and pauses it, and says which it will do.
  function setUpVideoButton(video) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary video-play";
    function show() {
      button.textContent = video.paused ? video.getAttribute("data-play") : video.getAttribute("data-pause");
    }
    button.addEventListener("click", function () {
      if (video.paused) {
        var started = video.play();
        if (started && started.catch) started.catch(function () {});
      } else {
        video.pause();
      }
    });
    video.addEventListener("play", show);
    video.addEventListener("pause", show);
    video.addEventListener("ended", show);
    show();
    video.insertAdjacentElement("afterend", button);
  }

  document.querySelectorAll("video.item-video[data-play]").forEach(setUpVideoButton);

  document.querySelectorAll("form.item-form").forEach(function (form) {
    setUpSizeCheck(form);
    setUpFilePickers(form);
    if (form.hasAttribute("data-autosave")) setUpAutosave(form);
  });
  setUpWaiting();
})();

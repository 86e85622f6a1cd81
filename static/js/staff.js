/* Staff pages. Everything here only adds to pages that already work without it.

   1. A form that came back with problems takes the reader straight to the list of them (screen
      readers read it; the keyboard starts there).
   2. Typing is work: while someone types into a form, the page tells the server now and then, so
      their session does not end for being idle while they write a long report and they do not
      lose it on "Save". A page left alone still times out as before. */
(function () {
  "use strict";
  var problems = document.getElementById("error-summary");
  if (problems) problems.focus();

  var me = document.currentScript;
  var url = me && me.getAttribute("data-still-here");
  var every = me && parseInt(me.getAttribute("data-every-seconds"), 10) * 1000;
  if (!url || !every || !window.fetch) return;
  var token = me.getAttribute("data-csrf") || "";
  var typed = false;
  document.addEventListener("input", function (event) {
    if (event.target && event.target.form) typed = true;
  });
  window.setInterval(function () {
    if (!typed) return;
    typed = false;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    }).catch(function () {});
  }, every);
})();

/* Staff pages: a form that came back with problems takes the reader straight to the list of them
   (screen readers read it; the keyboard starts there). The page works the same without this. */
(function () {
  "use strict";
  var problems = document.getElementById("error-summary");
  if (problems) problems.focus();
})();

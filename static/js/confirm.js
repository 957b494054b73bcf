// A form with data-confirm="question" does something that cannot be undone (a revocation,
// a deletion, a withdrawal): its submit asks the question first and goes ahead only on
// OK. Without this script the form still works, as every form does without JavaScript.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();

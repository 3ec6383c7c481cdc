/* Behaviour every page may use, declared in the markup (the CSP forbids inline handlers):
   <select data-autosubmit> sends its form when changed;
   <button data-confirm="Question?"> asks before its form is sent. */
(function () {
  'use strict';
  document.addEventListener('change', function (e) {
    var el = e.target;
    if (el.matches && el.matches('[data-autosubmit]') && el.form) { el.form.submit(); }
  });
  document.addEventListener('click', function (e) {
    var el = e.target.closest ? e.target.closest('[data-confirm]') : null;
    if (el && !window.confirm(el.dataset.confirm)) { e.preventDefault(); }
  });
})();

/* Print forms: choosing what to print suggests how many (drawn dossiers not printed yet). */
(function () {
  'use strict';
  Array.prototype.slice.call(document.querySelectorAll('select[name=target]')).forEach(function (sel) {
    var count = sel.form && sel.form.querySelector('input[name=count]');
    if (!count) { return; }
    function fill() {
      var o = sel.options[sel.selectedIndex];
      if (o && !count.dataset.typed) { count.value = o.dataset.count || ''; }
    }
    count.addEventListener('input', function () { count.dataset.typed = '1'; });
    sel.addEventListener('change', fill);
  });
}());

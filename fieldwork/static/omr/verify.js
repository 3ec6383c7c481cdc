/* Verification queue: keys decide the shown answer (its digits, options, blank, invalid, skip). */
(function () {
  var form = document.getElementById('decision'), panel = document.getElementById('verify');
  if (!form || !panel) return;
  var kind = panel.dataset.kind;
  var action = document.getElementById('action');
  form.querySelectorAll('button[data-action]').forEach(function (b) {
    b.addEventListener('click', function () { action.value = b.dataset.action; });
  });
  function send(a) { action.value = a; form.submit(); }
  var digits = document.getElementById('digits');
  if (digits) {  // put the cursor on the first unread digit: typing replaces it
    var at = digits.value.indexOf('?');
    digits.focus();
    if (at >= 0) { digits.setSelectionRange(at, at + 1); } else { digits.select(); }
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var typing = e.target.id === 'digits';
    if (e.key === 'Enter') { e.preventDefault(); send('set'); return; }
    if (typing) return;
    var k = e.key.toLowerCase();
    if (k === '0' || k === 'delete') { send('blank'); return; }
    if (k === 'x') { send('invalid'); return; }
    if (k === 's' || k === 'arrowright') { window.location = document.getElementById('skip').href; return; }
    var box = form.querySelector('input[data-key="' + k + '"]');
    if (!box) return;
    e.preventDefault();
    if (kind === 'multiple') { box.checked = !box.checked; return; }
    box.checked = true; send('set');
  });
})();

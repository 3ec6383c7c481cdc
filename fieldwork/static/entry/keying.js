/* Keyboard-first keying, one rule for moving on: Enter or Tab goes to the next question,
   Shift+Tab to the previous one, and the cursor never moves by itself (so a keyer who
   presses Tab out of habit never skips a question). Digits pick options (0 clears),
   Ctrl+Enter saves; questions whose "only if" condition does not hold are dimmed and
   skipped. */
(function () {
  'use strict';
  var form = document.getElementById('keying');
  if (!form) { return; }
  var groups = Array.prototype.slice.call(form.querySelectorAll('fieldset.entry-q'));

  function inputs(fs) { return Array.prototype.slice.call(fs.querySelectorAll('input, textarea')); }
  function answer(fs) {
    return inputs(fs).filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
  }
  function answers() {
    var out = {};
    groups.forEach(function (fs) {
      var kind = fs.dataset.kind;
      if (kind === 'single' || kind === 'multiple') { out[fs.dataset.code] = answer(fs); }
    });
    return out;
  }
  function holds(cond, values) {
    if (!cond) { return true; }
    if (cond[0] === 'and') { return cond[1].every(function (c) { return holds(c, values); }); }
    if (cond[0] === 'or') { return cond[1].some(function (c) { return holds(c, values); }); }
    var chosen = values[cond[1]] || [];
    var has = chosen.indexOf(cond[2]) >= 0;
    return cond[0] === 'ne' ? !has : has;
  }
  function applies(fs) { return !fs.classList.contains('entry-skip'); }
  function refresh() {
    var values = answers();
    groups.forEach(function (fs) {
      if (!fs.dataset.relevant) { return; }
      var on = holds(JSON.parse(fs.dataset.relevant), values);
      fs.classList.toggle('entry-skip', !on);
      inputs(fs).forEach(function (i) { i.tabIndex = on ? 0 : -1; });
    });
  }
  function target(fs) {
    var list = inputs(fs);
    return list.filter(function (i) { return i.checked; })[0] || list[0];
  }
  function focusGroup(fs) { var t = target(fs); if (t) { t.focus(); if (t.select && t.type === 'text') { t.select(); } } }
  function next(fs) {
    var at = groups.indexOf(fs);
    for (var i = at + 1; i < groups.length; i += 1) {
      if (applies(groups[i])) { focusGroup(groups[i]); return; }
    }
    form.querySelector('button[type=submit]').focus();
  }
  function previous(fs) {
    var at = groups.indexOf(fs);
    for (var i = at - 1; i >= 0; i -= 1) {
      if (applies(groups[i])) { focusGroup(groups[i]); return; }
    }
  }
  function save() { if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); } }

  /* Type-ahead over a list (agency, field): accents and case ignored, all words must match. */
  function fold(t) {
    return (t || '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
  }
  Array.prototype.slice.call(form.querySelectorAll('input.entry-typeahead')).forEach(function (box) {
    var select = document.getElementById(box.dataset.for);
    if (!select) { return; }
    var options = Array.prototype.slice.call(select.options);
    box.addEventListener('input', function () {
      var words = fold(box.value).split(' ').filter(Boolean);
      var hits = options.filter(function (o) {
        var name = fold(o.text);
        return o.value !== '0' && words.every(function (w) { return name.indexOf(w) >= 0; });
      });
      options.forEach(function (o) { o.hidden = words.length > 0 && hits.indexOf(o) < 0 && o.value !== '0'; });
      if (words.length && hits.length) { select.value = hits[0].value; }
      box.classList.toggle('is-invalid', words.length > 0 && !hits.length);
    });
  });

  form.addEventListener('change', refresh);
  form.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && (e.key === 'Enter' || e.key === 's')) { e.preventDefault(); save(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var fs = e.target.closest ? e.target.closest('fieldset.entry-q') : null;
    if (!fs) { return; }
    var kind = fs.dataset.kind;
    if ((kind === 'single' || kind === 'multiple') && /^[0-9]$/.test(e.key)) {
      e.preventDefault();
      if (e.key === '0') {
        inputs(fs).forEach(function (i) { i.checked = false; });
        refresh();
        return;
      }
      var box = fs.querySelector('input[data-key="' + e.key + '"]');
      if (!box) { return; }
      box.checked = kind === 'multiple' ? !box.checked : true;
      box.focus();
      refresh();
      return;
    }
    if (e.key === 'Tab') {
      e.preventDefault();
      if (e.shiftKey) { previous(fs); } else { next(fs); }
      return;
    }
    if (e.key === 'Enter' && !(e.target.tagName === 'TEXTAREA' && e.shiftKey)) {
      e.preventDefault();
      next(fs);
    }
  });
  refresh();
  var bad = form.querySelector('fieldset.has-error, fieldset.has-warning');
  if (bad) { focusGroup(bad); } else if (groups.length) { focusGroup(groups[0]); }
})();

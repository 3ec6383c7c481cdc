/* The respondent's form: a question whose "only if" condition does not hold is hidden (its
   answers are dropped by the server anyway). Conditions come as the server's parsed tree in
   data-relevant: ["eq"|"ne"|"selected", code, option] or ["and"|"or", [children]]. */
(function () {
  'use strict';
  var form = document.getElementById('answer-form');
  if (!form) { return; }

  function chosen(code) {
    var out = [];
    form.querySelectorAll('[name="a_' + code + '"]').forEach(function (el) {
      if ((el.type === 'radio' || el.type === 'checkbox') ? el.checked : el.value) {
        out.push(el.value);
      }
    });
    return out;
  }

  function holds(cond) {
    if (cond[0] === 'and') { return cond[1].every(holds); }
    if (cond[0] === 'or') { return cond[1].some(holds); }
    var picked = chosen(cond[1]);
    if (cond[0] === 'ne') { return picked.indexOf(cond[2]) < 0; }
    return picked.indexOf(cond[2]) >= 0;
  }

  function update() {
    form.querySelectorAll('[data-relevant]').forEach(function (box) {
      var show;
      try { show = holds(JSON.parse(box.dataset.relevant)); } catch (e) { show = true; }
      box.hidden = !show;
    });
  }

  form.addEventListener('change', update);
  update();
})();

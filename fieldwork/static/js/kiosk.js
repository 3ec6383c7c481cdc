/* Kiosk mode for the desk's tablet: full screen on the first touch, no way back to the
   previous person's page, and an empty form again after each answer or when left idle. */
(function () {
  'use strict';
  var IDLE_SECONDS = 120;

  // Full screen needs a user gesture: ask on the first touch or click.
  function fullscreen() {
    var el = document.documentElement;
    if (!document.fullscreenElement && el.requestFullscreen) {
      el.requestFullscreen().catch(function () { /* refused: stay as is */ });
    }
  }
  document.addEventListener('pointerdown', fullscreen, { once: true });

  // Back navigation: keep the current page on top of the history.
  history.pushState(null, '', location.href);
  window.addEventListener('popstate', function () { history.pushState(null, '', location.href); });

  // The thank-you screen returns to a fresh form, replacing itself in the history.
  var thanks = document.querySelector('[data-reset-to]');
  if (thanks) {
    var seconds = parseInt(thanks.dataset.resetAfter, 10) || 8;
    setTimeout(function () { location.replace(thanks.dataset.resetTo); }, seconds * 1000);
    return;
  }

  // A half-filled form left alone is cleared for the next person.
  var form = document.getElementById('answer-form');
  if (!form) { return; }
  var timer;
  function idle() {
    clearTimeout(timer);
    timer = setTimeout(function () { location.replace(location.pathname); }, IDLE_SECONDS * 1000);
  }
  ['input', 'change', 'pointerdown', 'keydown'].forEach(function (name) {
    document.addEventListener(name, idle);
  });
  idle();
  // Nothing typed by the last person may come back from the browser's form memory.
  form.setAttribute('autocomplete', 'off');
})();

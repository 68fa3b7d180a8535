/**
 * The review page's browser script, kept as a string so it ships inside dist/ with the rest of
 * the code (tsc copies no plain files). Served as /assets/review.js; the CSP forbids inline script.
 * Plain ES2017, no modules, no user data in it: everything comes from data-* attributes.
 */
export const REVIEW_JS = `(function () {
  'use strict';
  var el = document.getElementById('player');
  if (!el || !window.AsciinemaPlayer) return;

  function timeFromHash() {
    var m = /^#t=([0-9]{1,9}(?:\\.[0-9]{1,6})?)$/.exec(window.location.hash);
    return m ? parseFloat(m[1]) : null;
  }

  var options = { preload: true, fit: 'width', terminalFontSize: 'small' };
  var cols = parseInt(el.getAttribute('data-cols') || '', 10);
  var rows = parseInt(el.getAttribute('data-rows') || '', 10);
  if (cols > 0) options.cols = cols;
  if (rows > 0) options.rows = rows;
  var start = timeFromHash();
  if (start !== null) options.startAt = start;
  // A live session streams from its first output on (routes-live.ts), with no added delay.
  var live = el.getAttribute('data-live');
  var source = el.getAttribute('data-cast');
  if (live) {
    source = { url: live, driver: 'eventsource', bufferTime: 0 };
    options.autoPlay = true;
    delete options.preload;
    start = null;
    delete options.startAt;
  }
  var player = window.AsciinemaPlayer.create(source, el, options);

  function seek(t) {
    var done = player.seek(t);
    if (done && typeof done.then === 'function') done.then(null, function () {});
    var status = document.getElementById('position');
    if (status) status.textContent = 'at ' + t.toFixed(1) + ' s';
  }

  var buttons = document.querySelectorAll('[data-seek]');
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener('click', function () {
      var t = parseFloat(button.getAttribute('data-seek') || '');
      if (t >= 0) seek(t);
    });
  });
  window.addEventListener('hashchange', function () {
    var t = timeFromHash();
    if (t !== null) seek(t);
  });
  if (start !== null) seek(start);
})();
`;

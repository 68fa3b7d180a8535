/**
 * The review page's browser script, kept as a string so it ships inside dist/ with the rest of
 * the code (tsc copies no plain files). Served as /assets/review.js; the CSP forbids inline script.
 * Plain ES2017, no modules, no user data in it: everything comes from data-* attributes.
 *
 * The player shows its controls always, starts on the first frame (poster), and skips idle time
 * (default: pauses over 2 s play as 2 s). Skipping shortens the player's timeline, so times on
 * the page (markers, hidden sequences, `#t=`) are recording times, mapped to the player's through
 * the recording's pauses (data-idle-gaps). The player cannot change speed or idle limit while it
 * runs: a change makes a new player at the same moment.
 */
export const REVIEW_JS = `(function () {
  'use strict';
  var el = document.getElementById('player');
  if (!el || !window.AsciinemaPlayer) return;

  function timeFromHash() {
    var m = /^#t=([0-9]{1,9}(?:\\.[0-9]{1,6})?)$/.exec(window.location.hash);
    return m ? parseFloat(m[1]) : null;
  }

  /** [[start, length], ...] of the recording's pauses, or null: idle time is not skipped. */
  var gaps = null;
  try {
    var parsed = JSON.parse(el.getAttribute('data-idle-gaps') || 'null');
    if (Array.isArray(parsed)) gaps = parsed;
  } catch (e) {
    gaps = null;
  }
  var speedSelect = document.getElementById('player-speed');
  var idleSelect = document.getElementById('player-idle');
  if (gaps === null && idleSelect) {
    idleSelect.value = 'off';
    idleSelect.disabled = true;
  }

  function idleLimit() {
    var v = idleSelect ? parseFloat(idleSelect.value) : NaN;
    return gaps !== null && v > 0 ? v : null;
  }

  /** Recording time → the player's time under the current idle limit. */
  function toPlayer(t) {
    var limit = idleLimit();
    if (limit === null) return t;
    var shift = 0;
    gaps.forEach(function (g) {
      if (g[0] < t) shift += Math.max(0, Math.min(g[1], t - g[0]) - limit);
    });
    return t - shift;
  }

  /** The player's time → recording time (the inverse of toPlayer). */
  function toRecording(p) {
    var limit = idleLimit();
    if (limit === null) return p;
    var shift = 0;
    for (var i = 0; i < gaps.length; i++) {
      var start = gaps[i][0] - shift;
      if (start >= p) break;
      var skipped = Math.max(0, gaps[i][1] - limit);
      if (p - start <= limit) break;
      shift += skipped;
    }
    return p + shift;
  }

  var cols = parseInt(el.getAttribute('data-cols') || '', 10);
  var rows = parseInt(el.getAttribute('data-rows') || '', 10);
  var live = el.getAttribute('data-live');
  var player = null;

  function create(startAt) {
    var options = {
      preload: true,
      controls: true,
      fit: 'both',
      terminalFontSize: 'small',
      speed: speedSelect ? parseFloat(speedSelect.value) || 1 : 1,
    };
    var limit = idleLimit();
    if (limit !== null) options.idleTimeLimit = limit;
    if (cols > 0) options.cols = cols;
    if (rows > 0) options.rows = rows;
    // The first frame until played; a start time shows that moment instead.
    if (startAt !== null && startAt > 0) options.startAt = startAt;
    else options.poster = 'npt:0:0';
    var source = el.getAttribute('data-cast');
    // A live session streams from its first output on (routes-live.ts), with no added delay.
    if (live) {
      source = { url: live, driver: 'eventsource', bufferTime: 0 };
      options.autoPlay = true;
      delete options.preload;
      delete options.startAt;
      delete options.poster;
      delete options.idleTimeLimit;
    }
    if (player) player.dispose();
    el.textContent = '';
    player = window.AsciinemaPlayer.create(source, el, options);
  }

  function seek(t) {
    var done = player.seek(toPlayer(t));
    if (done && typeof done.then === 'function') done.then(null, function () {});
    var status = document.getElementById('position');
    if (status) status.textContent = 'at ' + t.toFixed(1) + ' s';
  }

  var start = timeFromHash();
  create(start);

  /** A new player with the chosen speed or idle limit, at the moment the old one was at. */
  function recreate(previousLimit) {
    var now = player.getCurrentTime() || 0;
    var chosen = idleSelect ? idleSelect.value : null;
    if (idleSelect && previousLimit !== undefined) idleSelect.value = previousLimit;
    var at = toRecording(now);
    if (idleSelect && chosen !== null) idleSelect.value = chosen;
    create(at);
    if (at > 0) seek(at);
  }
  var lastIdle = idleSelect ? idleSelect.value : undefined;
  if (speedSelect) speedSelect.addEventListener('change', function () { recreate(lastIdle); });
  if (idleSelect) {
    idleSelect.addEventListener('change', function () {
      recreate(lastIdle);
      lastIdle = idleSelect.value;
    });
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

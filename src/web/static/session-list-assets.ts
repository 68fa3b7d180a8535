/**
 * The session list's script and styles, served as /assets/list.js and /assets/list.css (the CSP
 * forbids inline script and style). The script shows each `<time class="local">` (ISO UTC in
 * the HTML, so the page reads right without it) in the viewer's time zone with its offset and
 * how long ago, the UTC time on hover. Plain ES2017, no user data in it.
 */
export const LIST_JS = `(function () {
  'use strict';
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function offset(d) {
    var m = -d.getTimezoneOffset();
    var sign = m < 0 ? '-' : '+';
    m = Math.abs(m);
    return 'UTC' + sign + pad(Math.floor(m / 60)) + ':' + pad(m % 60);
  }
  function local(d) {
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
      pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + ' ' + offset(d);
  }
  function ago(ms) {
    var s = Math.round(ms / 1000);
    if (s < 0) return 'in the future';
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    if (s < 86400) return Math.floor(s / 3600) + ' h ago';
    return Math.floor(s / 86400) + ' d ago';
  }
  var now = Date.now();
  var times = document.querySelectorAll('time.local[datetime]');
  Array.prototype.forEach.call(times, function (el) {
    var iso = el.getAttribute('datetime');
    var d = new Date(iso);
    if (isNaN(d.getTime())) return;
    el.textContent = local(d) + ' · ' + ago(now - d.getTime());
    el.title = iso + ' (UTC)';
  });
})();
`;

export const LIST_CSS = `
.quick a { margin-right: .5rem; }
.quick a[aria-current] { font-weight: 600; text-decoration: none; color: var(--fg); }
.pager { display: flex; gap: 1rem; align-items: center; margin: .5rem 0; }
.pager .range { color: var(--muted); font-variant-numeric: tabular-nums; }
.table-scroll { overflow-x: auto; }
td.command { max-width: 24rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
tr.live { background: #f0f7ff; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: 12px; font-weight: 600; }
.badge.live { background: #c62828; color: #fff; }
.badge.flag { background: #ffe58f; color: var(--fg); }
form.filters label.check { flex-direction: row; align-items: center; gap: .3rem; }
select { font: inherit; padding: .3rem .5rem; }
`;

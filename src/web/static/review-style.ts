/** The review page's stylesheet, served as /assets/review.css (no inline styles: CSP). */
export const REVIEW_CSS = `
:root { color-scheme: light; --fg: #1d232b; --muted: #5c6773; --line: #d8dee4; --accent: #1f5fbf; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: #f6f8fa; }
header { display: flex; gap: 1rem; align-items: center; padding: .6rem 1.2rem; background: #fff;
  border-bottom: 1px solid var(--line); }
header nav { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; flex: 1; min-width: 0; }
header nav .who { margin-left: auto; color: var(--muted); }
header form { margin: 0; }
main { padding: 1rem 1.2rem; max-width: 1200px; }
h1 { font-size: 1.3rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, monospace; font-size: 13px; }
a { color: var(--accent); }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: 1rem; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
input, button { font: inherit; padding: .3rem .5rem; }
.error { color: #a4161a; }
.login { max-width: 22rem; margin: 3rem auto; background: #fff; padding: 1.2rem; border: 1px solid var(--line); }
.login label { display: block; margin-bottom: .7rem; }
.login input { width: 100%; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; }
#player { background: #121314; min-height: 200px; height: min(60vh, 48vw); }
#player .ap-wrapper { height: 100%; }
.player-settings { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin: .5rem 0; }
.player-settings label { display: flex; gap: .4rem; align-items: center; }
ol.events { list-style: none; padding: 0; margin: 0; }
ol.events li { background: #fff; border: 1px solid var(--line); padding: .5rem .8rem; margin-bottom: .5rem; }
ol.events h3 { font-size: .95rem; margin: 0 0 .3rem; }
ol.events .seq { color: var(--muted); font-weight: normal; }
h1, code, .mono, ol.markers, ol.hidden-sequences, #recording-status { overflow-wrap: anywhere; }
@media (max-width: 600px) {
  header { flex-wrap: wrap; padding: .5rem .8rem; gap: .4rem; }
  header nav form.search { order: 5; flex-basis: 100%; }
  header nav form.search input { width: 100%; }
  main { padding: .8rem; }
  .columns { grid-template-columns: 1fr; }
  dl.facts { grid-template-columns: minmax(0, 1fr); }
  dl.facts dt { margin-top: .3rem; }
  #player { height: 62vw; }
}
ol.markers { padding-left: 1.2rem; }
ol.markers button { background: none; border: 0; color: var(--accent); cursor: pointer; padding: 0; text-align: left; }
mark { background: #ffe58f; }
.snippet { white-space: pre-wrap; }
form.decision { background: #fff; padding: .8rem 1rem; border: 1px solid var(--line); }
form.decision h2 { margin-top: 0; }
form.decision label { display: block; margin-bottom: .6rem; }
form.decision input { width: 100%; }
fieldset.checklist { border: 1px solid var(--line); margin: 0 0 .6rem; }
ul.patterns, ul.confirmations { margin: .2rem 0; padding-left: 1.1rem; }
table.transfers .path { overflow-wrap: anywhere; }
table.transfers code.sha256 { display: inline-block; max-width: 9ch; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
table.transfers tr.refused { background: #fff4f4; }
table.transfers .badge { padding: 0 .4rem; border-radius: .6rem; font-size: 12px; font-weight: 600; }
table.transfers .badge.refused { background: #a4161a; color: #fff; }
table.transfers .badge.kept { background: #1b5e20; color: #fff; }
table.transfers .badge.unkept { background: #eee; color: var(--muted); }
@media (max-width: 600px) {
  table.transfers thead { display: none; }
  table.transfers tr { display: block; border-bottom: 1px solid var(--line); padding: .3rem 0; }
  table.transfers td { display: block; border: 0; padding: .1rem .6rem; text-align: left; }
  table.transfers td::before { content: attr(data-label) ": "; color: var(--muted); }
}
`;

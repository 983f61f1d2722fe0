/**
 * The dashboard's stylesheet, served as /dashboard/app.css (same origin: the CSP has no
 * 'unsafe-inline'). Colours keep text at 4.5:1 or more on its background; chart marks at 3:1.
 * Tracker colours come with a shape each, so no meaning rests on colour alone.
 */
export const STYLES = `
:root {
  color-scheme: light dark;
  --fg: #1d2430; --muted: #4f5969; --bg: #ffffff; --panel: #f4f6f9; --line: #d9dee6;
  --accent: #2456c7; --needs: #fff6d6; --invalid: #fde4e4; --bad: #b42318; --warn: #8a5a00;
  --good: #17663a; --grid: #c4cbd6;
  --t0: #2456c7; --t1: #c2410c; --t2: #15803d; --t3: #7e22ce; --t4: #a16207; --t5: #0e7490;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e4e8ef; --muted: #a7b0bf; --bg: #14181f; --panel: #1d232c; --line: #2f3844;
    --accent: #8fb0ff; --needs: #3a3218; --invalid: #3d2020; --bad: #ff8a80; --warn: #e3b341;
    --good: #6fd69a; --grid: #3c4654;
    --t0: #8fb0ff; --t1: #ff9d6b; --t2: #6fd69a; --t3: #d3a6ff; --t4: #f0c24b; --t5: #5fd4e8;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; padding: 1rem 1.5rem 3rem; color: var(--fg); background: var(--bg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
header { display: flex; align-items: center; gap: .25rem 1rem; flex-wrap: wrap; }
header .toolbar { margin-left: auto; }
header #sync-message { flex-basis: 100%; margin: 0; }
h1 { font-size: 1.4rem; margin: 0; }
h2 { font-size: 1.2rem; margin: 1rem 0 .5rem; }
h3 { font-size: 1rem; margin: 0 0 .35rem; }
h4 { margin: .75rem 0 .25rem; }
small, .message { color: var(--muted); }
.message.error { color: var(--bad); }
.message.warn { color: var(--warn); }
.message.good { color: var(--good); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button, input, select {
  font: inherit; color: inherit; background: var(--bg);
  border: 1px solid var(--muted); border-radius: 4px; padding: .3rem .6rem; min-height: 2rem;
}
button { cursor: pointer; }
button:disabled { opacity: .55; cursor: default; }
button.primary { background: var(--accent); color: var(--bg); border-color: var(--accent); }
button.danger { color: var(--bad); border-color: var(--bad); }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
}
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem; padding: 0; margin: .75rem 0;
  border-bottom: 1px solid var(--line); }
nav a { display: inline-block; padding: .4rem .75rem; text-decoration: none; border-radius: 4px 4px 0 0;
  border: 1px solid transparent; border-bottom: none; }
nav a[aria-current="page"] { background: var(--panel); border-color: var(--line); color: var(--fg);
  font-weight: 600; }
.badge { margin-left: .35rem; padding: 0 .4rem; border-radius: 9px; background: var(--accent);
  color: var(--bg); font-size: .8rem; }
.toolbar { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .5rem 0; }
.toolbar label { display: flex; gap: .35rem; align-items: center; max-width: 100%; }
.toolbar select, .toolbar input { max-width: 100%; min-width: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(22rem, 100%), 1fr)); gap: .75rem; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; }
.card p { margin: .2rem 0; }
.card progress { width: 100%; }
.flag { font-size: .8rem; border-radius: 3px; padding: 0 .35rem; margin-left: .4rem; border: 1px solid; }
.flag.warn { color: var(--warn); }
.flag.bad { color: var(--bad); }
.flag.good { color: var(--good); }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); }
.nowrap { white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.negative { color: var(--bad); }
tr.unscored > td { background: var(--needs); }
tr.invalid > td { background: var(--invalid); }
.empty { text-align: center; color: var(--muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.trail { list-style: none; padding: 0; margin: 0; }
.trail li { padding: .3rem 0; border-bottom: 1px solid var(--line); }
.trail time, .trail .why { color: var(--muted); font-size: .9em; }
#login { max-width: 28rem; margin: 4rem auto; background: var(--panel); padding: 1.5rem;
  border: 1px solid var(--line); border-radius: 6px; }
#login input { width: 100%; margin: .5rem 0; }
#preview { display: flex; gap: .75rem; flex-wrap: wrap; align-items: end; }
#preview label { display: flex; flex-direction: column; gap: .2rem; }
#preview input { width: 9rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(30rem, 100%), 1fr)); gap: 1rem;
  margin: .5rem 0 1rem; }
.overview { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; align-items: start; }
.overview .side { display: grid; gap: 1rem; }
.overview .cards { grid-template-columns: 1fr; }
@media (max-width: 900px) { .overview { grid-template-columns: minmax(0, 1fr); } }
figure.chart { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: .75rem; min-width: 0; }
figure.chart .message { margin: .2rem 0; }
svg.plot { width: 100%; height: auto; display: block; overflow: visible; }
svg.spark { width: 100%; max-width: 28rem; height: auto; display: block; }
svg text { fill: var(--muted); font-size: 11px; }
svg text.quadrant { fill: var(--muted); font-size: 12px; font-weight: 600; pointer-events: none;
  paint-order: stroke; stroke: var(--panel); stroke-width: 4px; stroke-linejoin: round; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .grid { stroke: var(--grid); stroke-width: 1; stroke-dasharray: 3 3; }
svg .break-even { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 6 4; }
svg .whisker { stroke-width: 1.25; opacity: .7; }
svg .line { fill: none; stroke-width: 2; }
svg .line.value { stroke: var(--t0); }
svg .line.needs { stroke: var(--t1); }
svg .dot.value { fill: var(--t0); }
svg .dot.needs { fill: var(--t1); }
svg .line.technical { stroke: var(--t0); }
svg .line.product { stroke: var(--t1); stroke-dasharray: 6 3; }
svg .mark.technical { fill: var(--t0); }
svg .mark.product { fill: var(--t1); }
#review-top { width: 5rem; }
#review-shares h3, #review-lists h3 { margin-top: 1.25rem; }
#view-review figure.chart { margin-top: 1.25rem; }
#review-trend svg.plot { max-width: 42rem; }
svg .point { cursor: pointer; stroke: var(--bg); stroke-width: 1; }
svg .point:hover, svg .point:focus, svg .point.active { stroke: var(--fg); stroke-width: 2.5; outline: none; }
.tracker-0 { fill: var(--t0); stroke: var(--t0); }
.tracker-1 { fill: var(--t1); stroke: var(--t1); }
.tracker-2 { fill: var(--t2); stroke: var(--t2); }
.tracker-3 { fill: var(--t3); stroke: var(--t3); }
.tracker-4 { fill: var(--t4); stroke: var(--t4); }
.tracker-5 { fill: var(--t5); stroke: var(--t5); }
.legend { display: flex; gap: .25rem 1rem; flex-wrap: wrap; align-items: center; font-size: .9em; }
.legend svg { width: 14px; height: 14px; vertical-align: middle; margin-right: .3rem; }
.legend .break-even-key { color: var(--bad); }
.plan { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem;
  margin-bottom: 1rem; }
.plan td.pick { width: 2.5rem; }
.plan td ul { margin: 0; padding-left: 1rem; }
@media (max-width: 600px) {
  body { padding: .5rem .5rem 2rem; }
  header .toolbar { margin-left: 0; }
  th, td { padding: .25rem .35rem; }
  .hide-narrow { display: none; }
}
`;

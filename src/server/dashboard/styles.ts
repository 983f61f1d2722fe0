/** The dashboard's stylesheet (inline in the page: no external assets). */
export const STYLES = `
:root {
  color-scheme: light dark;
  --fg: #1d2430; --muted: #5b6575; --bg: #ffffff; --panel: #f4f6f9; --line: #d9dee6;
  --accent: #2456c7; --needs: #fff6d6; --invalid: #fde4e4; --bad: #b42318; --warn: #9a6700;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e4e8ef; --muted: #9aa4b5; --bg: #14181f; --panel: #1d232c; --line: #2f3844;
    --accent: #7ea6ff; --needs: #3a3218; --invalid: #3d2020; --bad: #ff8a80; --warn: #e3b341;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; padding: 1rem 1.5rem 3rem; color: var(--fg); background: var(--bg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1rem; margin: 0 0 .35rem; }
h4 { margin: .75rem 0 .25rem; }
small, .message { color: var(--muted); }
.message.error { color: var(--bad); }
.message.warn { color: var(--warn); }
a { color: var(--accent); }
button, input, select {
  font: inherit; color: inherit; background: var(--bg);
  border: 1px solid var(--line); border-radius: 4px; padding: .3rem .6rem;
}
button { cursor: pointer; }
button:disabled { opacity: .5; cursor: default; }
button.primary { background: var(--accent); color: var(--bg); border-color: var(--accent); }
.toolbar { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .5rem 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: .75rem; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; }
.card p { margin: .2rem 0; }
.flag { font-size: .8rem; border-radius: 3px; padding: 0 .35rem; margin-left: .4rem; border: 1px solid; }
.flag.warn { color: var(--warn); }
.flag.bad { color: var(--bad); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); position: sticky; top: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.negative { color: var(--bad); }
tr.unscored > td { background: var(--needs); }
tr.invalid > td { background: var(--invalid); }
tr.detail > td { background: var(--panel); padding: .5rem 1rem; }
.toggle { min-width: 3rem; }
.empty { text-align: center; color: var(--muted); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
.audit { font-size: .9em; }
#login { max-width: 28rem; margin: 4rem auto; background: var(--panel); padding: 1.5rem;
  border: 1px solid var(--line); border-radius: 6px; }
#login input { width: 100%; margin: .5rem 0; }
#preview { display: flex; gap: .75rem; flex-wrap: wrap; align-items: end; }
#preview label { display: flex; flex-direction: column; gap: .2rem; }
#preview input { width: 9rem; }
`;

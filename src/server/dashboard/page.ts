/**
 * The dashboard page: one self-contained HTML document (inline CSS and script, no external
 * assets). It holds no data; the script asks for the admin token and reads the admin API.
 */
import { CLIENT_CORE } from './client-core.js';
import { CLIENT_MAIN } from './client-main.js';
import { CLIENT_PREVIEW } from './client-preview.js';
import { CLIENT_RANKING } from './client-ranking.js';
import { CLIENT_STATUS } from './client-status.js';
import { STYLES } from './styles.js';

export const DASHBOARD_TITLE = 'netvalue dashboard';

const SCRIPT = [CLIENT_CORE, CLIENT_STATUS, CLIENT_RANKING, CLIENT_PREVIEW, CLIENT_MAIN].join('\n');

const LOGIN = `
<form id="login" hidden>
  <h2>Admin token</h2>
  <p>The dashboard reads the admin API. Enter the <code>adminToken</code> from the config (or
    <code>NETVALUE_ADMIN_TOKEN</code>); it is kept in this tab only.</p>
  <p id="login-message" class="message error" role="alert"></p>
  <label for="token">Admin token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required>
  <button type="submit" class="primary">Open the dashboard</button>
</form>`;

const STATUS = `
<header>
  <h1>${DASHBOARD_TITLE}</h1>
  <small>net value ($) = Value &times; horizon &minus; Cost</small>
</header>
<div class="toolbar">
  <button id="sync" type="button" class="primary">Sync now</button>
  <button id="refresh" type="button">Refresh</button>
  <button id="sign-out" type="button">Forget token</button>
  <span id="sync-message" class="message" role="status"></span>
</div>
<p id="app-message" class="message" role="alert"></p>
<div id="trackers" class="cards"></div>`;

const RANKING = `
<h2>Ranking</h2>
<div class="toolbar">
  <label>Tracker <select id="filter-tracker"><option value="">All trackers</option></select></label>
  <label>Status
    <select id="filter-status">
      <option value="">All statuses</option>
      <option value="scored">scored</option>
      <option value="unscored">unscored (needs input: an input is missing)</option>
      <option value="invalid">invalid (needs input: an input cannot be read)</option>
    </select>
  </label>
  <button id="prev" type="button" disabled>&larr; Prev</button>
  <button id="next" type="button" disabled>Next &rarr;</button>
  <span id="ranking-count" class="message"></span>
</div>
<table>
  <thead>
    <tr>
      <th class="num">Rank</th><th>Tracker</th><th>Key</th><th>Title</th>
      <th class="num">Value $/mo</th><th class="num">Cost $</th><th class="num">Net value $</th>
      <th>Status</th>
    </tr>
  </thead>
  <tbody id="ranking-body"></tbody>
</table>`;

const numberField = (name: string, label: string) =>
  `<label>${label}<input id="preview-${name}" type="number" min="0" step="any" placeholder="current"></label>`;

const PREVIEW = `
<h2>Preview a formula change</h2>
<p class="message">Try other scoring settings on the stored issues. Empty fields keep the current
  value. Nothing is written: the preview is computed in memory.</p>
<form id="preview">
  ${numberField('horizonMonths', 'Horizon (months)')}
  ${numberField('hourlyRateUsd', 'Hourly rate ($/h)')}
  ${numberField('hoursPerPoint', 'Hours per point')}
  <label>Missing input
    <select id="preview-missingInput">
      <option value="">current</option>
      <option value="unscored">unscored</option>
      <option value="zero">counts as 0</option>
    </select>
  </label>
  <button type="submit" class="primary">Preview</button>
</form>
<p id="preview-message" class="message" role="status"></p>
<div id="preview-results"></div>`;

/** The whole page; built once (it does not depend on the request or the config). */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${DASHBOARD_TITLE}</title>
<style>${STYLES}</style>
</head>
<body>
${LOGIN}
<main id="app" hidden>
${STATUS}
${RANKING}
${PREVIEW}
</main>
<script>
'use strict';
(function () {
${SCRIPT}
})();
</script>
</body>
</html>
`;

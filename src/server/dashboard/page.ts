/**
 * The dashboard page: one HTML document, its stylesheet and its script, all served from this
 * origin (routes/dashboard.ts), so the CSP needs no 'unsafe-inline'. The page holds no data; the
 * script asks for the admin token and reads the admin API.
 *
 * Views are listed once in VIEWS: each has a nav link, a section, and a `views.<id>` entry in
 * the script (client-main.ts) that draws it. Adding a view is one entry here and one client file.
 */
import { CLIENT_CHARTS, CLIENT_TREND } from './client-charts.js';
import { CLIENT_CORE } from './client-core.js';
import { CLIENT_DETAIL } from './client-detail.js';
import { CLIENT_MAIN } from './client-main.js';
import { CLIENT_MATRIX } from './client-matrix.js';
import { CLIENT_NEEDS } from './client-needs.js';
import { CLIENT_PLANS } from './client-plans.js';
import { CLIENT_PREVIEW } from './client-preview.js';
import { CLIENT_RANKING } from './client-ranking.js';
import { CLIENT_REVIEW } from './client-review.js';
import { CLIENT_REVIEW_CHART } from './client-review-chart.js';
import { CLIENT_STATUS } from './client-status.js';
import { OVERVIEW, RANKING, NEEDS_INPUT, PLANS, PREVIEW, ISSUE, REVIEW } from './sections.js';
import { STYLES } from './styles.js';

export const DASHBOARD_TITLE = 'netvalue dashboard';

/** Where the page's own files are served (same origin). */
export const DASHBOARD_ASSETS = {
  script: '/dashboard/app.js',
  styles: '/dashboard/app.css',
  icon: '/dashboard/icon.svg',
} as const;

interface View {
  id: string;
  label: string;
  html: string;
  /** Reached by links from other views only (the issue detail). */
  inNav: boolean;
}

export const VIEWS: readonly View[] = [
  { id: 'overview', label: 'Overview', html: OVERVIEW, inNav: true },
  { id: 'ranking', label: 'Ranking', html: RANKING, inNav: true },
  { id: 'needs-input', label: 'Needs input', html: NEEDS_INPUT, inNav: true },
  { id: 'plans', label: 'Pending plans', html: PLANS, inNav: true },
  { id: 'review', label: 'Review', html: REVIEW, inNav: true },
  { id: 'preview', label: 'Preview a formula', html: PREVIEW, inNav: true },
  { id: 'issue', label: 'Issue', html: ISSUE, inNav: false },
];

/** The script served at DASHBOARD_ASSETS.script: the parts share one strict function scope. */
export const DASHBOARD_SCRIPT = `'use strict';
(function () {
${[
  CLIENT_CORE,
  CLIENT_CHARTS,
  CLIENT_TREND,
  CLIENT_STATUS,
  CLIENT_MATRIX,
  CLIENT_RANKING,
  CLIENT_NEEDS,
  CLIENT_DETAIL,
  CLIENT_PLANS,
  CLIENT_PREVIEW,
  CLIENT_REVIEW,
  CLIENT_REVIEW_CHART,
  CLIENT_MAIN,
].join('\n')}
})();
`;

export const DASHBOARD_STYLES = STYLES;

/** A favicon of our own, so the browser does not ask for a missing /favicon.ico. */
export const DASHBOARD_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2456c7"/><path d="M3 12 L7 7 L10 9 L13 4" stroke="#fff" stroke-width="2" fill="none"/></svg>`;

const LOGIN = `
<form id="login" hidden>
  <h1>${DASHBOARD_TITLE}</h1>
  <h2>Admin token</h2>
  <p>The dashboard reads the admin API. Enter the <code>adminToken</code> from the config (or
    <code>NETVALUE_ADMIN_TOKEN</code>); it is kept in this tab only.</p>
  <p id="login-message" class="message error" role="alert"></p>
  <label for="token">Admin token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required>
  <button type="submit" class="primary">Open the dashboard</button>
</form>`;

const HEADER = `
<header>
  <h1>${DASHBOARD_TITLE}</h1>
  <small>net value ($) = Value &times; horizon &minus; Cost</small>
  <div class="toolbar">
    <button id="sync" type="button" class="primary">Sync now</button>
    <button id="refresh" type="button">Refresh</button>
    <button id="sign-out" type="button">Forget token</button>
  </div>
  <p id="sync-message" class="message" role="status"></p>
</header>`;

const nav = VIEWS.filter((v) => v.inNav)
  .map(
    (v) =>
      `<li><a href="#${v.id}" id="nav-${v.id}" data-view="${v.id}">${v.label} <span class="badge" id="badge-${v.id}" hidden></span></a></li>`,
  )
  .join('');

const sections = VIEWS.map(
  (v) =>
    `<section id="view-${v.id}" class="view" aria-labelledby="title-${v.id}" hidden>${v.html}</section>`,
).join('\n');

/** The whole page; built once (it does not depend on the request or the config). */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${DASHBOARD_TITLE}</title>
<link rel="icon" href="${DASHBOARD_ASSETS.icon}" type="image/svg+xml">
<link rel="stylesheet" href="${DASHBOARD_ASSETS.styles}">
<script src="${DASHBOARD_ASSETS.script}" defer></script>
</head>
<body>
${LOGIN}
<div id="app" hidden>
${HEADER}
<nav aria-label="Views"><ul id="nav">${nav}</ul></nav>
<p id="app-message" class="message" role="alert"></p>
<main id="main">
${sections}
</main>
</div>
</body>
</html>
`;

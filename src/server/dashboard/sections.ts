/**
 * The static HTML of each dashboard view (page.ts lists them). Only structure and labels: every
 * number and every piece of tracker text is filled in by the script through the DOM.
 */

export const OVERVIEW = `
<h2 id="title-overview" class="visually-hidden">Overview</h2>
<div class="overview">
  <figure class="chart">
    <figcaption>
      <h3 id="matrix-title">Value / cost matrix</h3>
      <p class="message">One point per scored issue: Cost ($) across, Value over the horizon ($) up.
        Above the break-even line the net value is above $0; whiskers span three-point estimates.
        Select a point to open its issue.</p>
    </figcaption>
    <div id="matrix-legend" class="legend"></div>
    <div id="matrix"></div>
    <p id="matrix-info" class="message" aria-live="polite"></p>
  </figure>
  <div class="side">
    <section aria-labelledby="status-title">
      <h3 id="status-title">Sync status</h3>
      <div class="toolbar">
        <button id="retry-failed" type="button">Retry failed jobs</button>
        <span id="retry-message" class="message" role="status"></span>
      </div>
      <div id="trackers" class="cards"></div>
    </section>
    <figure class="chart">
      <figcaption><h3 id="trend-title">Backlog trend</h3>
        <p class="message">After each sync: the sum of positive net value, and the issues that need input.</p>
      </figcaption>
      <div id="trend"></div>
    </figure>
  </div>
</div>`;

export const RANKING = `
<h2 id="title-ranking">Ranking</h2>
<div class="toolbar">
  <label>Search <input id="search" type="search" placeholder="key, title or tracker"></label>
  <label>Tracker <select id="filter-tracker"><option value="">All trackers</option></select></label>
  <label>Status
    <select id="filter-status">
      <option value="">All statuses</option>
      <option value="scored">scored</option>
      <option value="unscored">unscored (needs input: an input is missing)</option>
      <option value="invalid">invalid (needs input: an input cannot be read)</option>
    </select>
  </label>
</div>
<div class="toolbar">
  <button id="prev" type="button" disabled>&larr; Prev</button>
  <button id="next" type="button" disabled>Next &rarr;</button>
  <span id="ranking-count" class="message" role="status"></span>
</div>
<div class="scroll">
<table id="ranking-table">
  <caption class="visually-hidden">The unified ranking of every tracker, rank 1 first</caption>
  <thead><tr id="ranking-head"></tr></thead>
  <tbody id="ranking-body"></tbody>
</table>
</div>`;

export const NEEDS_INPUT = `
<h2 id="title-needs-input">Needs input</h2>
<p class="message">Issues that cannot be ranked yet: an input is missing (unscored) or cannot be
  read (invalid). Fix them in their tracker; the next sync or webhook scores them.</p>
<p id="needs-count" class="message" role="status"></p>
<div class="scroll">
<table>
  <caption class="visually-hidden">Issues that need input</caption>
  <thead><tr><th>Tracker</th><th>Issue</th><th>Title</th><th>Status</th><th>What to fix</th></tr></thead>
  <tbody id="needs-body"></tbody>
</table>
</div>`;

export const PLANS = `
<h2 id="title-plans">Pending plans</h2>
<p class="message">Trackers in review mode (<code>writeMode: review</code>) collect their writes
  here until approved. Approve or discard all of a plan, or the selected items.</p>
<p id="plans-message" class="message" role="status"></p>
<div id="plans"></div>`;

const numberField = (name: string, label: string) =>
  `<label>${label}<input id="preview-${name}" type="number" min="0" step="any" placeholder="current"></label>`;

export const PREVIEW = `
<h2 id="title-preview">Preview a formula change</h2>
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
<div id="preview-results" class="scroll"></div>`;

export const ISSUE = `
<p><a href="#ranking" id="issue-back">&larr; Back to the ranking</a></p>
<h2 id="title-issue" tabindex="-1">Issue</h2>
<p id="issue-message" class="message" role="status"></p>
<div id="issue"></div>`;

export const REVIEW = `
<h2 id="title-review">Backlog review</h2>
<p class="message">The same figures as <code>netvalue review</code>: what the top of the backlog is
  made of, what moved and why, what needs input, compared with the daily snapshot of the ranking
  at the start of the period.</p>
<form id="review-controls" class="toolbar" aria-label="Review period and scope">
  <label>Since
    <select id="review-since">
      <option value="24h">the last 24 hours</option>
      <option value="7d" selected>the last 7 days</option>
      <option value="30d">the last 30 days</option>
      <option value="90d">the last 90 days</option>
    </select>
  </label>
  <label>Top <input id="review-top" type="number" min="1" max="100" step="1" value="20" required></label>
  <label>Tracker <select id="review-tracker"><option value="">All trackers</option></select></label>
</form>
<p id="review-message" class="message" role="status"></p>
<div id="review-results" aria-busy="false">
  <p id="review-summary" class="message" aria-live="polite"></p>
  <div id="review-shares"></div>
  <figure class="chart">
    <figcaption><h3 id="review-trend-title">Share over time</h3>
      <p class="message">The technical and product share of the top N by net value, at each daily
        snapshot (the last 90 days) and now.</p>
    </figcaption>
    <div id="review-trend"></div>
  </figure>
  <div id="review-lists"></div>
</div>`;

/**
 * Browser code for the Review view (README "Backlog reviews"): the same figures as
 * `netvalue review`, from `GET /admin/review?since=&top=&trackerId=`: the technical / product
 * share of the top N by count and by net value with its change since the baseline, overall and
 * per tracker, the biggest movers with why, the issues that entered and left the scope, those
 * newly needing input with what is missing, and the technical work waiting longest in the top N.
 * The share-over-time chart is client-review-chart.ts. Changing a control reloads both.
 */
export const CLIENT_REVIEW = `
const REVIEW_TYPES = ['technical', 'product', 'unclassified'];
/** Which answer is current: an older one arriving late (the controls changed) is dropped. */
const reviewLoad = { seq: 0, inFlight: null };

function pct(n) {
  return n + '%';
}

/** "+4.5 pts (was 30%)": how a share changed since the baseline, as the CLI words it. */
function shareChange(now, before) {
  if (before === null) return '\\u2014';
  const pts = Math.round((now - before) * 10) / 10;
  return (pts > 0 ? '+' : '') + pts + ' pts (was ' + pct(before) + ')';
}

/** One work type's figures: issues, share by count, net value, share by net value, changes. */
function shareCells(s) {
  return [
    el('td', { class: 'num' }, String(s.count)),
    el('td', { class: 'num' }, pct(s.countPct)),
    el('td', { class: 'num' }, shareChange(s.countPct, s.before && s.before.countPct)),
    el('td', { class: s.netValueUsd < 0 ? 'num negative' : 'num' }, money(s.netValueUsd)),
    el('td', { class: 'num' }, pct(s.sharePct)),
    el('td', { class: 'num' }, shareChange(s.sharePct, s.before && s.before.sharePct)),
  ];
}

const SHARE_HEADS = ['Work type', 'Issues', 'By count', 'Change', 'Net value', 'By net value',
  'Change'];

function reviewTable(caption, heads, rows, empty) {
  const body = rows.length > 0 ? rows
    : [el('tr', {}, el('td', { colspan: heads.length, class: 'empty' }, empty || 'None.'))];
  return el('div', { class: 'scroll' }, el('table', {}, [
    el('caption', { class: 'visually-hidden' }, caption),
    el('thead', {}, el('tr', {}, heads.map(function (h) { return el('th', { scope: 'col' }, h); }))),
    el('tbody', {}, body),
  ]));
}

/** Rows of one set of shares; per tracker, the tracker names its three rows. */
function shareRows(shares, trackerId) {
  return REVIEW_TYPES.map(function (type, i) {
    const head = trackerId && i === 0
      ? [el('th', { scope: 'rowgroup', rowspan: 3 }, trackerId)] : [];
    return el('tr', { class: 'share', 'data-tracker': trackerId || null, 'data-type': type },
      head.concat([el('th', { scope: 'row' }, type)], shareCells(shares[type])));
  });
}

function issueCell(trackerId, key) {
  return el('td', { class: 'nowrap' }, el('a', { href: issueHash(trackerId, key) }, key));
}

function keyed(e, cells) {
  return el('tr', { 'data-tracker': e.trackerId, 'data-key': e.key }, cells);
}

function moverRow(m) {
  return keyed(m, [
    el('td', {}, m.trackerId), issueCell(m.trackerId, m.key), el('td', {}, m.title),
    el('td', {}, m.workType),
    el('td', { class: 'nowrap' }, (m.fromRank === null ? 'new' : '#' + m.fromRank) +
      ' \\u2192 #' + m.toRank),
    el('td', { class: 'nowrap' }, money(m.fromNetValueUsd) + ' \\u2192 ' + money(m.toNetValueUsd)),
    el('td', {}, m.why),
  ]);
}

/** "2026-11-23 14:05 UTC": review times are compared with the CLI's, so no local time here. */
function utc(iso) {
  return iso.slice(0, 16).replace('T', ' ') + ' UTC';
}

function reviewSummary(r) {
  const scope = r.trackerId === null ? 'every tracker' : r.trackerId;
  const base = r.baselineAt === null ? 'no earlier snapshot to compare with yet'
    : 'compared with the ranking of ' + utc(r.baselineAt);
  return 'Top ' + r.top + ' of ' + scope + ' since ' + utc(r.since) + '; ' + base + '.';
}

function drawReview(r) {
  const top = 'top ' + r.top;
  const titled = function (id, text, table) {
    return [el('h3', { id: id }, text), table];
  };
  const trackerRows = r.trackers.reduce(function (rows, t) {
    return rows.concat(shareRows(t, t.trackerId));
  }, []);
  setChildren($('review-summary'), reviewSummary(r));
  setChildren($('review-shares'), [].concat(
    titled('review-overall', 'Share of the ' + top, el('div', { id: 'review-overall-table' },
      reviewTable('Technical and product work in the ' + top, SHARE_HEADS, shareRows(r.overall)))),
    titled('review-trackers', "Each tracker's " + top, el('div', { id: 'review-trackers-table' },
      reviewTable('Shares per tracker', ['Tracker'].concat(SHARE_HEADS), trackerRows))),
  ));
  setChildren($('review-lists'), [].concat(
    titled('review-movers', 'Biggest movers', el('div', { id: 'review-movers-table' },
      reviewTable('Biggest rank and net value changes', ['Tracker', 'Issue', 'Title', 'Work type',
        'Rank', 'Net value', 'Why'], r.movers.map(moverRow), 'Nothing moved.'))),
    titled('review-entered', 'Entered the scope', el('div', { id: 'review-entered-table' },
      reviewTable('Issues that entered the scope', ['Tracker', 'Issue', 'Title', 'Rank'],
        r.entered.map(function (e) {
          return keyed(e, [el('td', {}, e.trackerId), issueCell(e.trackerId, e.key),
            el('td', {}, e.title), el('td', { class: 'num' }, '#' + e.rank)]);
        })))),
    titled('review-left', 'Left the scope', el('div', { id: 'review-left-table' },
      reviewTable('Issues that left the scope', ['Tracker', 'Issue'], r.left.map(function (e) {
        return keyed(e, [el('td', {}, e.trackerId), el('td', {}, e.key)]);
      })))),
    titled('review-needs', 'Newly needing input', el('div', { id: 'review-needs-table' },
      reviewTable('Issues newly needing input', ['Tracker', 'Issue', 'Title', 'Status',
        'What is missing'], r.needsInput.map(function (n) {
        return keyed(n, [el('td', {}, n.trackerId), issueCell(n.trackerId, n.key),
          el('td', {}, n.title), el('td', {}, n.status), el('td', {}, n.reason)]);
      })))),
    titled('review-deferred', 'Technical work waiting longest in the ' + top,
      el('div', { id: 'review-deferred-table' }, reviewTable('Deferred technical work',
        ['Rank', 'Tracker', 'Issue', 'Title', 'Net value', 'In the ' + top + ' since', 'Days'],
        r.deferredTechnical.map(function (d) {
          return keyed(d, [el('td', { class: 'num' }, '#' + d.rank), el('td', {}, d.trackerId),
            issueCell(d.trackerId, d.key), el('td', {}, d.title),
            el('td', { class: 'num' }, money(d.netValueUsd)),
            el('td', { class: 'nowrap' }, d.inTopSince.slice(0, 10)),
            el('td', { class: 'num' }, String(d.waitedDays))]);
        }), 'No technical issue in the ' + top + '.'))),
  ));
}

/** The tracker choices, from the status (data.trackerIds), keeping the one chosen. */
function reviewTrackers() {
  const select = $('review-tracker');
  const chosen = select.value;
  setChildren(select, [el('option', { value: '' }, 'All trackers')].concat(
    data.trackerIds.map(function (id) {
      return el('option', { value: id, selected: id === chosen }, id);
    }),
  ));
}

/** since=7d&top=20[&trackerId=...]: the review's query, as the controls say. */
function reviewQuery(since) {
  const params = new URLSearchParams({ since: since, top: $('review-top').value.trim() });
  if ($('review-tracker').value) params.set('trackerId', $('review-tracker').value);
  return params.toString();
}

async function loadBacklogReview() {
  reviewTrackers();
  const query = reviewQuery($('review-since').value);
  // Enter in the top field both changes it and submits the form: one load is enough.
  if (reviewLoad.inFlight === query) return;
  const seq = ++reviewLoad.seq;
  reviewLoad.inFlight = query;
  const results = $('review-results');
  const line = $('review-message');
  results.setAttribute('aria-busy', 'true');
  try {
    const answers = await Promise.all([
      answer(fetch('/admin/review?' + query, authed('GET'))),
      answer(fetch('/admin/review/trend?' + reviewQuery(SHARE_TREND_SINCE), authed('GET'))),
    ]);
    if (seq !== reviewLoad.seq) return;
    line.className = 'message';
    line.textContent = '';
    drawReview(answers[0]);
    drawShareTrend(answers[1]);
    results.hidden = false;
  } catch (err) {
    if (seq !== reviewLoad.seq) return;
    // Figures of other controls would mislead: only the reason shows.
    results.hidden = true;
    report(line, err);
  } finally {
    if (seq === reviewLoad.seq) {
      reviewLoad.inFlight = null;
      results.dataset.query = query;
      results.setAttribute('aria-busy', 'false');
    }
  }
}

function wireReviewControls() {
  for (const id of ['review-since', 'review-top', 'review-tracker']) {
    $(id).addEventListener('change', function () { void loadBacklogReview(); });
  }
  $('review-controls').addEventListener('submit', function (event) {
    event.preventDefault();
    void loadBacklogReview();
  });
}
`;

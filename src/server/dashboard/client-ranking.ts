/**
 * Browser code for the unified ranking (`GET /admin/ranking`, read whole, 1,000 a page): search
 * by key, title or tracker, filters by tracker and status, 50 rows a page, P10 / P90 / confidence
 * columns when any issue has a range, a shaded row with its reason when an issue needs input.
 * A key opens the detail (client-detail.ts).
 */
export const CLIENT_RANKING = `
const ranking = { offset: 0 };
const RANKING_FETCH = 1000;

function moneyCell(usd) {
  return el('td', { class: usd !== null && usd < 0 ? 'num negative' : 'num' }, money(usd));
}

function hasRanges(items) {
  return items.some(function (i) {
    return i.netValueLowUsd !== null && i.netValueLowUsd !== i.netValueHighUsd;
  });
}

function rankingRow(item, ranges) {
  const cells = [
    el('td', { class: 'num' }, String(item.rank)),
    el('td', { class: 'nowrap hide-narrow' }, item.trackerId),
    el('td', { class: 'nowrap' }, el('a', { href: issueHash(item.trackerId, item.key) }, item.key)),
    el('td', {}, item.title),
    el('td', { class: 'num hide-narrow' }, money(item.valueUsdPerMonth)),
    el('td', { class: 'num hide-narrow' }, money(item.costUsd)),
    moneyCell(item.netValueUsd),
  ];
  if (ranges) {
    cells.push(moneyCell(item.netValueLowUsd), moneyCell(item.netValueHighUsd),
      el('td', { class: 'num' }, item.confidencePct === null ? '\\u2014' : item.confidencePct + '%'));
  }
  cells.push(el('td', {}, statusText(item.status, item.reason)));
  return el('tr', { class: 'row ' + item.status, title: item.explanation,
    'data-tracker': item.trackerId, 'data-key': item.key }, cells);
}

function rankingHead(ranges) {
  const heads = [['Rank', 'num'], ['Tracker', 'hide-narrow'], ['Key', ''], ['Title', ''],
    ['Value $/mo', 'num hide-narrow'], ['Cost $', 'num hide-narrow'], ['Net value $', 'num']];
  if (ranges) heads.push(['P10 $', 'num'], ['P90 $', 'num'], ['Confidence', 'num']);
  heads.push(['Status', '']);
  setChildren($('ranking-head'), heads.map(function (h) {
    return el('th', { scope: 'col', class: h[1] || null }, h[0]);
  }));
  return heads.length;
}

function matchesFilters(item) {
  const tracker = $('filter-tracker').value;
  const status = $('filter-status').value;
  const query = $('search').value.trim().toLowerCase();
  if (tracker && item.trackerId !== tracker) return false;
  if (status && item.status !== status) return false;
  if (!query) return true;
  return (item.key + ' ' + item.title + ' ' + item.trackerId).toLowerCase().indexOf(query) >= 0;
}

/** Draws the current page of the filtered ranking. */
function drawRanking() {
  const ranges = hasRanges(data.items);
  const columns = rankingHead(ranges);
  const matching = data.items.filter(matchesFilters);
  if (ranking.offset >= matching.length) ranking.offset = 0;
  const page = matching.slice(ranking.offset, ranking.offset + PAGE_SIZE);
  const rows = page.map(function (item) { return rankingRow(item, ranges); });
  if (rows.length === 0) {
    rows.push(el('tr', {}, el('td', { colspan: columns, class: 'empty' }, 'No issues match.')));
  }
  setChildren($('ranking-body'), rows);
  const shown = page.length === 0 ? ''
    : ' \\u00b7 showing ' + (ranking.offset + 1) + '\\u2013' + (ranking.offset + page.length);
  $('ranking-count').textContent = matching.length + ' of ' + data.items.length + ' issues' + shown;
  $('prev').disabled = ranking.offset === 0;
  $('next').disabled = ranking.offset + page.length >= matching.length;
}

/** Reads the whole ranking into data.items. */
async function loadRanking() {
  const items = [];
  for (let offset = 0; ; offset += RANKING_FETCH) {
    const params = new URLSearchParams({ offset: String(offset), limit: String(RANKING_FETCH) });
    const page = await answer(fetch('/admin/ranking?' + params.toString(), authed('GET')));
    items.push.apply(items, page.items);
    if (page.items.length === 0 || items.length >= page.total) break;
  }
  data.items = items;
  drawRanking();
}
`;

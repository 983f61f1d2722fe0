/**
 * Browser code for the unified ranking (`GET /admin/ranking`): filters, 50 a page, a shaded row
 * with its status and reason when an issue needs input (unscored or invalid), and a detail row
 * per issue with its explanation and audit trail (`GET /admin/issues/:trackerId/:key`), loaded
 * when opened.
 */
export const CLIENT_RANKING = `
const ranking = { offset: 0 };
const COLUMNS = 8;

function moneyCell(usd) {
  return el('td', { class: usd !== null && usd < 0 ? 'num negative' : 'num' }, money(usd));
}

function rankingRows(item) {
  const detail = el('tr', { class: 'detail', hidden: true }, el('td', { colspan: COLUMNS }));
  const toggle = el('button', {
    type: 'button',
    class: 'toggle',
    'aria-expanded': 'false',
    title: 'Show the explanation and the audit trail',
    onclick: function () {
      void toggleDetail(item, toggle, detail);
    },
  }, String(item.rank));
  const href = safeUrl(item.url);
  const key = href ? el('a', { href: href, target: '_blank', rel: 'noopener noreferrer' }, item.key)
    : item.key;
  const row = el('tr', { class: 'row ' + item.status, title: item.explanation }, [
    el('td', { class: 'num' }, toggle),
    el('td', {}, item.trackerId),
    el('td', {}, key),
    el('td', {}, item.title),
    moneyCell(item.valueUsdPerMonth),
    moneyCell(item.costUsd),
    moneyCell(item.netValueUsd),
    el('td', {}, statusText(item.status, item.reason)),
  ]);
  return [row, detail];
}

async function loadRanking() {
  const params = new URLSearchParams({ offset: String(ranking.offset), limit: String(PAGE_SIZE) });
  if ($('filter-tracker').value) params.set('trackerId', $('filter-tracker').value);
  if ($('filter-status').value) params.set('status', $('filter-status').value);
  const page = await answer(fetch('/admin/ranking?' + params.toString(), authed('GET')));
  const rows = page.items.flatMap(rankingRows);
  if (rows.length === 0) {
    rows.push(el('tr', {}, el('td', { colspan: COLUMNS, class: 'empty' }, 'No issues match.')));
  }
  setChildren($('ranking-body'), rows);
  const shown = page.items.length === 0 ? ''
    : ' \u00b7 showing ' + (page.offset + 1) + '\u2013' + (page.offset + page.items.length);
  $('ranking-count').textContent = page.total + ' issues' + shown;
  $('prev').disabled = page.offset === 0;
  $('next').disabled = page.offset + page.items.length >= page.total;
}

async function toggleDetail(item, toggle, detail) {
  const opening = detail.hidden;
  detail.hidden = !opening;
  toggle.setAttribute('aria-expanded', String(opening));
  if (!opening || detail.dataset.loaded) return;
  detail.dataset.loaded = 'yes';
  const cell = detail.firstChild;
  const line = el('p', { class: 'message' }, 'Loading the audit trail\u2026');
  setChildren(cell, [el('p', {}, item.explanation), line]);
  try {
    const path = encodeURIComponent(item.trackerId) + '/' + encodeURIComponent(item.key);
    const issue = await answer(fetch('/admin/issues/' + path, authed('GET')));
    setChildren(cell, issueDetail(issue));
  } catch (err) {
    delete detail.dataset.loaded;
    report(line, err);
  }
}

/** "net value $3,000, priority 2" from the values a tracker holds or should hold. */
function writeValues(values) {
  const parts = [];
  for (const [name, value] of Object.entries(values || {})) {
    if (value === null || value === undefined) continue;
    parts.push(name === 'netValueUsd' ? 'net value ' + money(value) : name + ' ' + value);
  }
  return parts.length ? parts.join(', ') : 'nothing';
}

function inputLine(raw, source) {
  const text = raw === null ? 'missing' : String(raw);
  return source ? text + ' (from ' + source + ')' : text;
}

function issueDetail(issue) {
  const inputs = issue.inputs;
  const facts = [
    ['Explanation', issue.result.explanation],
    ['Value input', inputLine(inputs.value, inputs.valueSource)],
    ['Cost input', inputLine(inputs.cost, inputs.costSource) + ' ' + inputs.costUnit],
    ['Tracker holds', writeValues(issue.current)],
    ['Should hold', writeValues(issue.desired)],
    ['Last written', when(issue.lastWrittenAt)],
  ];
  const list = el('dl', {}, facts.flatMap(function (f) {
    return [el('dt', {}, f[0]), el('dd', {}, f[1])];
  }));
  if (issue.audit.length === 0) return [list, el('p', { class: 'message' }, 'No writes yet.')];
  const head = el('tr', {}, ['When', 'Field', 'From', 'To', 'Why'].map(function (h) {
    return el('th', {}, h);
  }));
  const rows = issue.audit.map(function (a) {
    return el('tr', {}, [when(a.at), a.field, a.from || '\u2014', a.to, a.why].map(function (v) {
      return el('td', {}, v);
    }));
  });
  return [list, el('h4', {}, 'Audit trail'), el('table', { class: 'audit' }, [
    el('thead', {}, head), el('tbody', {}, rows)])];
}
`;

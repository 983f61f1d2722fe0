/**
 * Browser code for an issue's detail (`#issue/<tracker>/<key>`): the explanation, the inputs and
 * where they came from, what the tracker holds and should hold (`GET /admin/issues/...`), the
 * sparklines of its net value and rank, and its trail in words (`GET .../trail`). A tracker's own
 * rank values are never shown: the server words every move.
 */
export const CLIENT_DETAIL = `
const PRIORITY_NAMES = ['no priority', 'urgent', 'high', 'medium', 'low'];

/** "net value $3,000, priority high" from the values a tracker holds or should hold. */
function writeValues(values) {
  const parts = [];
  for (const [name, value] of Object.entries(values || {})) {
    if (value === null || value === undefined || name === 'sortKey') continue;
    if (name === 'netValueUsd') parts.push('net value ' + money(value));
    else if (name === 'netValueLowUsd') parts.push('P10 ' + money(value));
    else if (name === 'netValueHighUsd') parts.push('P90 ' + money(value));
    else if (name === 'confidencePct') parts.push('confidence ' + value + '%');
    else if (name === 'rankPosition') parts.push('rank position #' + value);
    else if (name === 'priority') parts.push('priority ' + (PRIORITY_NAMES[value] || value));
    else if (name === 'note') parts.push('a note');
    else parts.push(name);
  }
  return parts.length ? parts.join(', ') : 'nothing';
}

function inputLine(raw, low, high, source) {
  let text = raw === null || raw === undefined ? 'missing' : String(raw);
  if ((low !== undefined && low !== null) || (high !== undefined && high !== null)) {
    text += ' (range ' + (low === undefined || low === null ? '?' : low) + ' to ' +
      (high === undefined || high === null ? '?' : high) + ')';
  }
  return source ? text + ', from ' + source : text;
}

function riskLine(result) {
  if (result.status !== 'scored') return statusText(result.status, result.reason);
  const range = result.netValueLowUsd !== result.netValueHighUsd
    ? ' (P10 ' + money(result.netValueLowUsd) + ', P90 ' + money(result.netValueHighUsd) + ')' : '';
  return money(result.netValueUsd) + range + ', ' + result.confidencePct + '% chance above $0';
}

function issueFacts(issue) {
  const inputs = issue.inputs;
  const value = inputs.valueImpact
    ? inputs.valueImpact + (inputs.valueSource ? ', from ' + inputs.valueSource : '')
    : inputLine(inputs.value, inputs.valueLow, inputs.valueHigh, inputs.valueSource);
  const facts = [
    ['Rank', issue.rank === null ? 'not ranked' : '#' + issue.rank + ' of ' + data.items.length],
    ['Net value', riskLine(issue.result)],
    ['Explanation', issue.result.explanation],
    ['Value input ($/mo)', value],
    ['Cost input (' + inputs.costUnit + ')',
      inputLine(inputs.cost, inputs.costLow, inputs.costHigh, inputs.costSource)],
    ['Tracker holds', writeValues(issue.current)],
    ['Should hold', writeValues(issue.desired)],
    ['Last written', when(issue.lastWrittenAt)],
    ['Pinned', issue.pinned ? 'yes: rank moves never touch it' : 'no'],
  ];
  return el('dl', {}, facts.flatMap(function (f) {
    return [el('dt', {}, f[0]), el('dd', {}, f[1])];
  }));
}

function sparklines(series) {
  const net = series.map(function (p) { return { at: p.at, y: p.netValueUsd }; });
  const rank = series.map(function (p) { return { at: p.at, y: p.rank }; });
  return el('div', { class: 'charts' }, [
    el('figure', { class: 'chart' }, [el('figcaption', {}, el('h3', {}, 'Net value over time')),
      lineChart(net, { width: 420, height: 110, label: 'Net value over time', format: shortMoney,
        series: 'value', className: 'spark' })]),
    el('figure', { class: 'chart' }, [el('figcaption', {}, el('h3', {}, 'Rank over time')),
      lineChart(rank, { width: 420, height: 110, label: 'Unified rank over time (1 is first)',
        format: function (r) { return '#' + Math.round(r); }, series: 'needs', invert: true,
        className: 'spark' })]),
  ]);
}

function trailList(trail) {
  if (trail.length === 0) return el('p', { class: 'message' }, 'Nothing has changed yet.');
  return el('ol', { class: 'trail', 'aria-label': 'History, newest first' }, trail.map(function (t) {
    return el('li', {}, [el('time', { datetime: t.at }, when(t.at)), ' \\u00b7 ',
      el('span', {}, t.text), t.source === 'write' ? el('span', { class: 'why' }, ' \\u00b7 ' + t.why)
        : null]);
  }));
}

async function showIssue(trackerId, key) {
  const line = $('issue-message');
  line.className = 'message';
  line.textContent = 'Loading ' + key + '\\u2026';
  $('title-issue').textContent = key;
  setChildren($('issue'), []);
  try {
    const path = encodeURIComponent(trackerId) + '/' + encodeURIComponent(key);
    const both = await Promise.all([
      answer(fetch('/admin/issues/' + path, authed('GET'))),
      answer(fetch('/admin/issues/' + path + '/trail', authed('GET'))),
    ]);
    const issue = both[0];
    const story = both[1];
    $('title-issue').textContent = issue.key + ': ' + issue.title;
    line.textContent = '';
    const href = safeUrl(issue.url);
    setChildren($('issue'), [
      el('p', {}, [issue.trackerId + ' \\u00b7 ',
        href ? el('a', { href: href, target: '_blank', rel: 'noopener noreferrer' },
          'Open ' + issue.key + ' in its tracker') : 'no link']),
      issueFacts(issue),
      sparklines(story.series),
      el('h3', {}, 'What happened'),
      trailList(story.trail),
    ]);
  } catch (err) {
    report(line, err);
  }
}
`;

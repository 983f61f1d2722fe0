/**
 * Browser code for "Preview a formula change" (`POST /admin/preview`): the settings to try, then
 * each issue that would change, from -> to. The preview is computed in memory; nothing is written.
 */
export const CLIENT_PREVIEW = `
const PREVIEW_ROWS_SHOWN = 100;

/** The filled-in fields only: an empty field keeps the current setting. */
function previewBody() {
  const body = {};
  for (const name of ['horizonMonths', 'hourlyRateUsd', 'hoursPerPoint']) {
    const raw = $('preview-' + name).value.trim();
    if (raw !== '') body[name] = Number(raw);
  }
  if ($('preview-missingInput').value) body.missingInput = $('preview-missingInput').value;
  return body;
}

function position(p) {
  return '#' + p.rank + ' ' + (p.status === 'scored' ? money(p.netValueUsd) : p.status);
}

function previewRow(change) {
  return el('tr', {}, [
    el('td', {}, change.trackerId),
    el('td', {}, el('a', { href: issueHash(change.trackerId, change.key) }, change.key)),
    el('td', {}, change.title),
    el('td', {}, position(change.from)),
    el('td', {}, '\u2192'),
    el('td', {}, position(change.to)),
  ]);
}

function settingsLine(s) {
  return 'horizon ' + s.horizonMonths + ' mo, ' + money(s.hourlyRateUsd) + '/h, ' +
    s.hoursPerPoint + ' h/point, missing input: ' + s.missingInput;
}

async function runPreview(event) {
  event.preventDefault();
  const line = $('preview-message');
  const results = $('preview-results');
  line.className = 'message';
  line.textContent = 'Computing\u2026';
  setChildren(results, []);
  try {
    const preview = await answer(fetch('/admin/preview?limit=' + PREVIEW_ROWS_SHOWN, authed('POST', previewBody())));
    line.textContent = 'Preview only: nothing was written to the trackers or the store. With ' +
      settingsLine(preview.settings) + ', ' + preview.changedCount + ' issues would change (rank ' +
      'or net value) and ' + preview.unchangedCount + ' would stay as they are.';
    if (preview.changed.length === 0) return;
    const head = el('tr', {}, ['Tracker', 'Key', 'Title', 'Now', '', 'Would be'].map(function (h) {
      return el('th', {}, h);
    }));
    const rows = preview.changed.map(previewRow);
    const more = preview.changedCount - rows.length;
    setChildren(results, [
      el('table', {}, [el('thead', {}, head), el('tbody', {}, rows)]),
      more > 0 ? el('p', { class: 'message' }, 'and ' + more + ' more') : null,
    ]);
  } catch (err) {
    report(line, err);
  }
}
`;

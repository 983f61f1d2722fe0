/**
 * Browser code for the needs-input worklist: every unscored or invalid issue of the ranking with
 * what is missing or wrong, linking to the issue in its tracker (where it is fixed).
 */
export const CLIENT_NEEDS = `
function needsRow(item) {
  return el('tr', { class: item.status, 'data-tracker': item.trackerId, 'data-key': item.key }, [
    el('td', {}, item.trackerId),
    el('td', {}, trackerLink(item.key, item.url)),
    el('td', {}, [item.title, ' ', el('a', { href: issueHash(item.trackerId, item.key),
      'aria-label': 'Details of ' + item.key }, '(details)')]),
    el('td', {}, item.status),
    el('td', {}, item.reason),
  ]);
}

function drawNeeds() {
  const needs = data.items.filter(function (i) { return i.status !== 'scored'; });
  const unscored = needs.filter(function (i) { return i.status === 'unscored'; }).length;
  $('needs-count').textContent = needs.length === 0 ? 'Every issue is scored.'
    : needInput(unscored, needs.length - unscored) + '.';
  const badge = $('badge-needs-input');
  badge.hidden = needs.length === 0;
  badge.textContent = String(needs.length);
  const rows = needs.map(needsRow);
  if (rows.length === 0) {
    rows.push(el('tr', {}, el('td', { colspan: 5, class: 'empty' }, 'Nothing needs input.')));
  }
  setChildren($('needs-body'), rows);
}
`;

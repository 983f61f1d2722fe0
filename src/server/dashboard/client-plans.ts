/**
 * Browser code for pending plans (`GET /admin/plans`): per tracker in review mode, the writes
 * waiting for approval (issue, what changes from what to what, moves in words, why), each with a
 * checkbox; approve or discard the selected items or all of them
 * (`POST /admin/plans/:trackerId/approve|discard`, body `{ keys }` for a selection).
 */
export const CLIENT_PLANS = `
const plans = { list: [], available: true };
const PLAN_FIELDS = {
  netValueUsd: ['net value', money],
  netValueLowUsd: ['P10', money],
  netValueHighUsd: ['P90', money],
  confidencePct: ['confidence', function (v) { return v + '%'; }],
  rankPosition: ['rank position', function (v) { return '#' + v; }],
  priority: ['priority', function (v) { return PRIORITY_NAMES[v] || String(v); }],
};

function planValue(show, v) {
  return v === null || v === undefined || v === '' ? 'nothing' : show(v);
}

function changeText(c) {
  if (c.field === 'sortKey') return "a new place in the tracker's priority order";
  if (c.field === 'note') return c.to ? 'update the note on the issue' : 'remove the note';
  const known = PLAN_FIELDS[c.field];
  const label = known ? known[0] : c.field;
  const show = known ? known[1] : String;
  return label + ': ' + planValue(show, c.from) + ' \\u2192 ' + planValue(show, c.to);
}

function planRow(plan, item) {
  const changes = item.changes.map(changeText);
  if (item.move) changes.push(item.move.text);
  return el('tr', { 'data-tracker': plan.trackerId, 'data-key': item.key }, [
    el('td', { class: 'pick' }, el('input', { type: 'checkbox', class: 'plan-pick', value: item.key,
      'aria-label': 'Select ' + item.key + ' (' + plan.trackerId + ')' })),
    el('td', {}, trackerLink(item.key, item.url)),
    el('td', {}, item.title),
    el('td', {}, el('ul', {}, changes.map(function (t) { return el('li', {}, t); }))),
    el('td', {}, item.why),
  ]);
}

function selectedKeys(section) {
  return Array.from(section.querySelectorAll('input.plan-pick:checked')).map(function (box) {
    return box.value;
  });
}

async function decide(plan, section, action, selectedOnly) {
  const line = $('plans-message');
  const keys = selectedOnly ? selectedKeys(section) : null;
  line.className = 'message';
  if (keys !== null && keys.length === 0) {
    line.className = 'message error';
    line.textContent = plan.trackerId + ': select at least one item first.';
    return;
  }
  const body = keys === null ? {} : { keys: keys };
  const path = encodeURIComponent(plan.trackerId);
  try {
    const result = action === 'approve'
      ? await answer(fetch('/admin/plans/' + path + '/approve', authed('POST', body)))
      : await answer(fetch('/admin/plans/' + path + '/discard', authed('POST', body)));
    const done = action === 'approve' ? result.approved : result.discarded;
    line.className = 'message good';
    line.textContent = plan.trackerId + ': ' + (action === 'approve' ? 'approved ' : 'discarded ') +
      done + ' item' + (done === 1 ? '' : 's') + '; ' + result.remaining + ' remain pending.';
    await loadPlans();
  } catch (err) {
    report(line, err);
  }
}

function planSection(plan) {
  const section = el('section', { class: 'plan', 'data-tracker': plan.trackerId,
    'aria-label': 'Pending plan of ' + plan.trackerId });
  const button = function (label, action, selectedOnly, cls) {
    return el('button', { type: 'button', class: cls || null, onclick: function () {
      void decide(plan, section, action, selectedOnly);
    } }, label);
  };
  section.append(
    el('h3', {}, plan.trackerId + ': ' + plan.items.length + ' pending item' +
      (plan.items.length === 1 ? '' : 's')),
    el('p', { class: 'message' }, 'Updated ' + when(plan.updatedAt) + '.'),
    el('div', { class: 'toolbar' }, [
      button('Approve selected', 'approve', true, 'primary'),
      button('Approve all', 'approve', false),
      button('Discard selected', 'discard', true, 'danger'),
      button('Discard all', 'discard', false, 'danger'),
    ]),
    el('div', { class: 'scroll' }, el('table', {}, [
      el('thead', {}, el('tr', {}, ['Select', 'Issue', 'Title', 'Changes', 'Why'].map(function (h) {
        return el('th', { scope: 'col' }, h);
      }))),
      el('tbody', {}, plan.items.map(function (item) { return planRow(plan, item); })),
    ])),
  );
  return section;
}

function drawPlans() {
  const pending = plans.list.filter(function (p) { return p.items.length > 0; });
  const count = pending.reduce(function (n, p) { return n + p.items.length; }, 0);
  const badge = $('badge-plans');
  badge.hidden = count === 0;
  badge.textContent = String(count);
  if (!plans.available) {
    setChildren($('plans'), el('p', { class: 'message' }, 'This server has no review mode.'));
    return;
  }
  setChildren($('plans'), pending.length > 0 ? pending.map(planSection)
    : el('p', { class: 'message' }, 'No writes are waiting for approval.'));
}

async function loadPlans() {
  try {
    const answered = await answer(fetch('/admin/plans', authed('GET')));
    plans.list = answered.plans;
    plans.available = true;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    plans.list = [];
    plans.available = false;
  }
  drawPlans();
}
`;

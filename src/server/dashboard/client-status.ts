/**
 * Browser code for sync status: one card per tracker from `GET /admin/status` (latest sync with a
 * progress bar while it runs, issue counts, queue, paused or rate-limited, failures), "Sync" per
 * tracker and "Sync now" for all (`POST /admin/sync`), and "Retry failed jobs"
 * (`POST /admin/failed/retry`). While a sync runs the status is read again every 2 s; when it
 * ends, every view is reloaded.
 */
export const CLIENT_STATUS = `
const STATUS_POLL_MS = 2000;
const statusPoll = { timer: null, running: false };

function runLine(run) {
  if (!run) return 'never synced';
  const counts =
    run.pulled + ' pulled, ' + run.scored + ' scored, ' + needInput(run.unscored, run.invalid) +
    ', ' + run.written + ' written, ' + run.moved + ' moved, ' + run.failed + ' failed';
  const kind = run.dryRun ? 'dry run' : run.full ? 'full sync' : 'sync';
  return run.status === 'running'
    ? kind + ' running since ' + when(run.startedAt) + ': ' + counts
    : kind + ' ' + when(run.finishedAt) + ': ' + counts;
}

function queueLine(queue) {
  const c = queue.counts;
  const waiting = (c.wait || 0) + (c.prioritized || 0);
  return 'queue: ' + waiting + ' waiting, ' + (c.active || 0) + ' active, ' +
    (c.delayed || 0) + ' delayed, ' + (c.failed || 0) + ' failed';
}

function flags(tracker) {
  const out = [];
  if (tracker.latestRun && tracker.latestRun.status === 'running') {
    out.push(el('span', { class: 'flag good' }, 'syncing'));
  }
  if (tracker.queue.paused) out.push(el('span', { class: 'flag warn' }, 'paused'));
  if (tracker.queue.rateLimitTtlMs > 0) {
    const seconds = Math.ceil(tracker.queue.rateLimitTtlMs / 1000);
    out.push(el('span', { class: 'flag warn' }, 'rate-limited for ' + seconds + ' s'));
  }
  if (tracker.failures > 0) {
    out.push(el('span', { class: 'flag bad' }, tracker.failures + ' failed writes'));
  }
  return out;
}

/** While a run is going: scored so far out of pulled so far. */
function runProgress(run) {
  if (!run || run.status !== 'running') return null;
  const done = run.scored + run.unscored + run.invalid;
  return el('p', {}, el('label', {}, ['Progress: ' + done + ' of ' + run.pulled + ' pulled issues scored ',
    el('progress', { max: Math.max(1, run.pulled), value: done })]));
}

/** Why the latest run failed: its first failures (all are listed by GET /admin/failed). */
function runFailures(run) {
  if (!run || run.failures.length === 0) return null;
  const shown = run.failures.slice(0, 3).map(function (f) {
    return f.key + ': ' + f.message;
  });
  const more = run.failures.length - shown.length;
  return el('p', { class: 'message error' }, 'Failed: ' + shown.join('; ') +
    (more > 0 ? ' (and ' + more + ' more)' : ''));
}

function trackerCard(t) {
  const i = t.issues;
  return el('section', { class: 'card', 'aria-label': 'Sync status of ' + t.trackerId }, [
    el('h3', {}, [t.trackerId + ' ', el('small', {}, t.kind)].concat(flags(t))),
    el('p', {}, 'Last ' + runLine(t.latestRun)),
    runProgress(t.latestRun),
    runFailures(t.latestRun),
    el('p', {}, i.total + ' issues: ' + i.scored + ' scored, ' + needInput(i.unscored, i.invalid)),
    el('p', {}, queueLine(t.queue)),
    el('button', { type: 'button', onclick: function () { void syncNow(t.trackerId); } },
      'Sync ' + t.trackerId),
  ]);
}

/** Fills the tracker cards and the tracker filter; polls while a sync runs. */
async function loadStatus() {
  const status = await answer(fetch('/admin/status', authed('GET')));
  data.status = status;
  data.trackerIds = status.trackers.map(function (t) { return t.trackerId; });
  const cards = status.trackers.map(trackerCard);
  if (!status.workersRunning) {
    cards.unshift(el('p', { class: 'message warn' },
      'The workers are not running in this process: queued jobs wait until a worker starts.'));
  }
  setChildren($('trackers'), cards);
  const select = $('filter-tracker');
  const chosen = select.value;
  setChildren(select, [el('option', { value: '' }, 'All trackers')].concat(
    status.trackers.map(function (t) {
      return el('option', { value: t.trackerId, selected: t.trackerId === chosen }, t.trackerId);
    }),
  ));
  const running = status.trackers.some(function (t) {
    return t.latestRun && t.latestRun.status === 'running';
  });
  if (statusPoll.timer !== null) clearTimeout(statusPoll.timer);
  statusPoll.timer = null;
  if (running) statusPoll.timer = setTimeout(pollStatus, STATUS_POLL_MS);
  const finished = statusPoll.running && !running;
  statusPoll.running = running;
  return finished;
}

function pollStatus() {
  statusPoll.timer = null;
  loadStatus().then(function (finished) {
    if (finished) void refresh();
  }, function (err) {
    report($('sync-message'), err);
  });
}

async function syncNow(trackerId) {
  const line = $('sync-message');
  line.className = 'message';
  line.textContent = 'Queueing a sync\\u2026';
  try {
    const body = trackerId ? { trackerId: trackerId } : {};
    const queued = await answer(fetch('/admin/sync', authed('POST', body)));
    line.textContent = 'Sync queued: ' + queued.jobs.map(function (j) {
      return j.trackerId;
    }).join(', ') + '. Progress shows under Overview.';
    // Reload every view once the status shows no run going (pollStatus).
    statusPoll.running = true;
    if (!statusPoll.timer) statusPoll.timer = setTimeout(pollStatus, STATUS_POLL_MS);
  } catch (err) {
    report(line, err);
  }
}

async function retryFailed() {
  const line = $('retry-message');
  line.className = 'message';
  try {
    const result = await answer(fetch('/admin/failed/retry', authed('POST', {})));
    const jobs = result.retriedQueues.reduce(function (n, q) { return n + q.jobs; }, 0);
    line.textContent = 'Retried ' + jobs + ' failed job' + (jobs === 1 ? '' : 's') + '; ' +
      result.failedIssues + ' issue' + (result.failedIssues === 1 ? '' : 's') +
      ' still have a failed write.';
    await loadStatus();
  } catch (err) {
    report(line, err);
  }
}
`;

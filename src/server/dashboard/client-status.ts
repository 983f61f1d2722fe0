/**
 * Browser code for the header: one card per tracker from `GET /admin/status` (latest sync, issue
 * counts, queue, paused or rate-limited) and the "Sync now" button (`POST /admin/sync`).
 */
export const CLIENT_STATUS = `
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
  return el('section', { class: 'card' }, [
    el('h3', {}, [t.trackerId + ' ', el('small', {}, t.kind)].concat(flags(t))),
    el('p', {}, 'Last ' + runLine(t.latestRun)),
    runFailures(t.latestRun),
    el('p', {}, i.total + ' issues: ' + i.scored + ' scored, ' + needInput(i.unscored, i.invalid)),
    el('p', {}, queueLine(t.queue)),
  ]);
}

/** Fills the tracker cards and the tracker filter; resolves with the status. */
async function loadStatus() {
  const status = await answer(fetch('/admin/status', authed('GET')));
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
  return status;
}

async function syncNow() {
  const line = $('sync-message');
  const button = $('sync');
  button.disabled = true;
  line.className = 'message';
  line.textContent = 'Queueing a sync\u2026';
  try {
    const queued = await answer(fetch('/admin/sync', authed('POST', {})));
    line.textContent = 'Sync queued: ' + queued.jobs.map(function (j) {
      return j.trackerId + ' (job ' + j.jobId + ')';
    }).join(', ') + '. Refresh to follow it.';
  } catch (err) {
    report(line, err);
  } finally {
    button.disabled = false;
  }
}
`;

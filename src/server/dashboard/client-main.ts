/**
 * Browser code that starts the dashboard: asks for the admin token once (kept in sessionStorage,
 * so it ends with the tab), loads every view's data, and shows one view at a time from the
 * address's hash (`#ranking`, `#issue/<tracker>/<key>`), so links and the back button work.
 * A view is an entry in `views` (its id as in page.ts VIEWS) whose `show` draws it.
 */
export const CLIENT_MAIN = `
const views = {
  overview: { show: function () {} },
  ranking: { show: drawRanking },
  'needs-input': { show: drawNeeds },
  plans: { show: drawPlans },
  review: { show: function () { void loadBacklogReview(); } },
  preview: { show: function () {} },
  issue: {
    show: function (args) {
      if (args.length === 2) void showIssue(args[0], args[1]);
    },
  },
};

function currentRoute() {
  try {
    const parts = location.hash.replace(/^#/, '').split('/').map(decodeURIComponent);
    return views[parts[0]] ? parts : ['overview'];
  } catch (err) {
    return ['overview'];
  }
}

/**
 * Shows the view the hash names (Overview by default) and, unless told not to (the data is not
 * loaded yet), draws it; returns its id.
 */
function route(draw) {
  const parts = currentRoute();
  const id = parts[0];
  for (const section of document.querySelectorAll('section.view')) {
    section.hidden = section.id !== 'view-' + id;
  }
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view === id) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (draw !== false) views[id].show(parts.slice(1));
  return id;
}

async function refresh() {
  const line = $('app-message');
  line.className = 'message';
  line.textContent = '';
  try {
    await loadStatus();
    await Promise.all([loadRanking(), loadMatrix(), loadTrend(), loadPlans()]);
    drawNeeds();
    route();
  } catch (err) {
    report(line, err);
  }
}

window.addEventListener('hashchange', function () {
  if ($('app').hidden) return;
  const heading = $('title-' + route());
  heading.setAttribute('tabindex', '-1');
  heading.focus();
});
$('login').addEventListener('submit', function (event) {
  event.preventDefault();
  const token = $('token').value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token').value = '';
  showApp();
  route(false);
  void refresh();
});
$('sign-out').addEventListener('click', function () {
  sessionStorage.removeItem(TOKEN_KEY);
  showLogin('Signed out: the token is forgotten.');
});
$('refresh').addEventListener('click', function () {
  void refresh();
});
$('sync').addEventListener('click', function () {
  void syncNow(null);
});
$('retry-failed').addEventListener('click', function () {
  void retryFailed();
});
for (const id of ['filter-tracker', 'filter-status', 'search']) {
  $(id).addEventListener(id === 'search' ? 'input' : 'change', function () {
    ranking.offset = 0;
    drawRanking();
  });
}
$('prev').addEventListener('click', function () {
  ranking.offset = Math.max(0, ranking.offset - PAGE_SIZE);
  drawRanking();
});
$('next').addEventListener('click', function () {
  ranking.offset += PAGE_SIZE;
  drawRanking();
});
$('preview').addEventListener('submit', function (event) {
  void runPreview(event);
});
wireReviewControls();

if (sessionStorage.getItem(TOKEN_KEY)) {
  showApp();
  route(false);
  void refresh();
} else {
  showLogin('');
}
`;

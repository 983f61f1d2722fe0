/**
 * Browser code that starts the dashboard: asks for the admin token once (kept in sessionStorage,
 * so it ends with the tab), then loads the status and the ranking and wires the controls.
 */
export const CLIENT_MAIN = `
async function refresh() {
  const line = $('app-message');
  line.className = 'message';
  line.textContent = '';
  try {
    await loadStatus();
    await loadRanking();
  } catch (err) {
    report(line, err);
  }
}

function reloadRanking() {
  loadRanking().catch(function (err) {
    report($('app-message'), err);
  });
}

$('login').addEventListener('submit', function (event) {
  event.preventDefault();
  const token = $('token').value.trim();
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token').value = '';
  showApp();
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
  void syncNow();
});
for (const id of ['filter-tracker', 'filter-status']) {
  $(id).addEventListener('change', function () {
    ranking.offset = 0;
    reloadRanking();
  });
}
$('prev').addEventListener('click', function () {
  ranking.offset = Math.max(0, ranking.offset - PAGE_SIZE);
  reloadRanking();
});
$('next').addEventListener('click', function () {
  ranking.offset += PAGE_SIZE;
  reloadRanking();
});
$('preview').addEventListener('submit', function (event) {
  void runPreview(event);
});

if (sessionStorage.getItem(TOKEN_KEY)) {
  showApp();
  void refresh();
} else {
  showLogin('');
}
`;

/**
 * Browser code for the value/cost matrix (`GET /admin/matrix`), hand-drawn in SVG: Cost across,
 * Value over the horizon up, one point per scored issue (colour and shape per tracker), the
 * break-even line (net value $0), four quadrants split at the medians, whiskers for three-point
 * estimates. Points are focusable links: hover or focus names the issue, click or Enter opens it.
 */
export const CLIENT_MATRIX = `
const matrix = { points: [], horizonMonths: 1 };
const MATRIX_MAX_POINTS = 2000;
const SHAPES = ['circle', 'square', 'diamond', 'triangle'];

function trackerIndex(trackerId) {
  const i = data.trackerIds.indexOf(trackerId);
  return (i < 0 ? 0 : i) % 6;
}

function marker(trackerId, cx, cy, r, attrs) {
  const i = trackerIndex(trackerId);
  const shape = SHAPES[i % SHAPES.length];
  const a = Object.assign({}, attrs, {
    class: (attrs.class ? attrs.class + ' ' : '') + 'tracker-' + i,
  });
  if (shape === 'circle') return svgEl('circle', Object.assign(a, { cx: cx, cy: cy, r: r }));
  if (shape === 'square') {
    return svgEl('rect', Object.assign(a, { x: cx - r, y: cy - r, width: 2 * r, height: 2 * r }));
  }
  const pts = shape === 'diamond'
    ? [[cx, cy - r * 1.3], [cx + r * 1.3, cy], [cx, cy + r * 1.3], [cx - r * 1.3, cy]]
    : [[cx, cy - r * 1.3], [cx + r * 1.2, cy + r], [cx - r * 1.2, cy + r]];
  return svgEl('polygon', Object.assign(a, {
    points: pts.map(function (p) { return p[0].toFixed(1) + ',' + p[1].toFixed(1); }).join(' '),
  }));
}

function median(values) {
  const s = values.slice().sort(function (a, b) { return a - b; });
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function pointLabel(p) {
  return p.key + ': ' + p.title + '. Net value ' + money(p.netValueUsd) + ', value ' +
    money(p.valueUsd) + ', cost ' + money(p.costUsd) + ', rank #' + p.rank + ' (' + p.trackerId + ')';
}

function showPointInfo(p, node) {
  for (const other of document.querySelectorAll('#matrix .point.active')) {
    other.classList.remove('active');
  }
  node.classList.add('active');
  $('matrix-info').textContent = pointLabel(p);
}

function openIssue(trackerId, key) {
  location.hash = issueHash(trackerId, key);
}

function matrixLegend(points) {
  const counts = {};
  for (const p of points) counts[p.trackerId] = (counts[p.trackerId] || 0) + 1;
  const items = data.trackerIds.map(function (id) {
    const swatch = svgEl('svg', { viewBox: '0 0 14 14', 'aria-hidden': 'true' }, marker(id, 7, 7, 5, {}));
    return el('span', {}, [swatch, id + ' (' + (counts[id] || 0) + ')']);
  });
  items.push(el('span', { class: 'break-even-key' }, '- - break-even: net value $0'));
  setChildren($('matrix-legend'), items);
}

function axisTicks(box, x, y, xMax, yMax, W, H, pad) {
  for (let i = 0; i <= 4; i += 1) {
    const cx = x((xMax * i) / 4);
    const cy = y((yMax * i) / 4);
    box.append(
      svgEl('line', { class: 'grid', x1: cx, y1: pad.t, x2: cx, y2: H - pad.b }),
      svgEl('line', { class: 'grid', x1: pad.l, y1: cy, x2: W - pad.r, y2: cy }),
      svgEl('text', { x: cx, y: H - pad.b + 14, 'text-anchor': 'middle' }, shortMoney((xMax * i) / 4)),
      svgEl('text', { x: pad.l - 6, y: cy + 4, 'text-anchor': 'end' }, shortMoney((yMax * i) / 4)),
    );
  }
  box.append(
    svgEl('text', { x: (pad.l + W - pad.r) / 2, y: H - 6, 'text-anchor': 'middle' }, 'Cost ($)'),
    svgEl('text', {
      x: 12, y: (pad.t + H - pad.b) / 2, 'text-anchor': 'middle',
      transform: 'rotate(-90 12 ' + (pad.t + H - pad.b) / 2 + ')',
    }, 'Value over ' + matrix.horizonMonths + ' mo ($)'),
  );
}

/** The quadrants split at the median Cost and the median Value of the points. */
function quadrantLines(box, x, y, points, W, H, pad) {
  const mx = x(median(points.map(function (p) { return p.costUsd; })));
  const my = y(median(points.map(function (p) { return p.valueUsd; })));
  box.append(
    svgEl('line', { class: 'grid', x1: mx, y1: pad.t, x2: mx, y2: H - pad.b }),
    svgEl('line', { class: 'grid', x1: pad.l, y1: my, x2: W - pad.r, y2: my }),
  );
}

/** Drawn over the points (they let the pointer through), on a halo that keeps them readable. */
function quadrantNames(box, W, H, pad) {
  box.append(
    svgEl('text', { class: 'quadrant', x: pad.l + 6, y: pad.t + 14 }, 'Quick wins'),
    svgEl('text', { class: 'quadrant', x: W - pad.r - 6, y: pad.t + 14, 'text-anchor': 'end' }, 'Big bets'),
    svgEl('text', { class: 'quadrant', x: pad.l + 6, y: H - pad.b - 8 }, 'Fill-ins'),
    svgEl('text', { class: 'quadrant', x: W - pad.r - 6, y: H - pad.b - 8, 'text-anchor': 'end' },
      'Money pits'),
  );
}

function whiskers(p, x, y) {
  const out = [];
  const cls = 'whisker tracker-' + trackerIndex(p.trackerId);
  if (p.costLowUsd !== null) {
    out.push(svgEl('line', { class: cls, x1: x(p.costLowUsd), y1: y(p.valueUsd),
      x2: x(p.costHighUsd), y2: y(p.valueUsd), 'aria-hidden': 'true' }));
  }
  if (p.valueLowUsd !== null) {
    out.push(svgEl('line', { class: cls, x1: x(p.costUsd), y1: y(p.valueLowUsd),
      x2: x(p.costUsd), y2: y(p.valueHighUsd), 'aria-hidden': 'true' }));
  }
  return out;
}

function pointNode(p, x, y) {
  const node = marker(p.trackerId, x(p.costUsd), y(p.valueUsd), 5, {
    class: 'point', tabindex: 0, role: 'link', 'aria-label': pointLabel(p),
    'data-tracker': p.trackerId, 'data-key': p.key,
  });
  node.append(svgEl('title', {}, pointLabel(p)));
  const show = function () { showPointInfo(p, node); };
  node.addEventListener('mouseenter', show);
  node.addEventListener('focus', show);
  node.addEventListener('click', function () { openIssue(p.trackerId, p.key); });
  node.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    openIssue(p.trackerId, p.key);
  });
  return node;
}

function drawMatrix() {
  const W = 640;
  const H = 420;
  const pad = { l: 60, r: 16, t: 12, b: 44 };
  const points = matrix.points.slice(0, MATRIX_MAX_POINTS);
  matrixLegend(points);
  const label = 'Value / cost matrix of ' + points.length + ' scored issues';
  const box = svgEl('svg', { class: 'plot', viewBox: '0 0 ' + W + ' ' + H, role: 'group',
    'aria-label': label });
  const hi = function (p, a, b) { return Math.max(p[a], p[b] === null ? 0 : p[b]); };
  const xMax = niceCeil(Math.max.apply(null, [1].concat(points.map(function (p) {
    return hi(p, 'costUsd', 'costHighUsd');
  }))));
  const yMax = niceCeil(Math.max.apply(null, [1].concat(points.map(function (p) {
    return hi(p, 'valueUsd', 'valueHighUsd');
  }))));
  const x = scale(0, xMax, pad.l, W - pad.r);
  const y = scale(0, yMax, H - pad.b, pad.t);
  axisTicks(box, x, y, xMax, yMax, W, H, pad);
  box.append(
    svgEl('line', { class: 'axis', x1: pad.l, y1: H - pad.b, x2: W - pad.r, y2: H - pad.b }),
    svgEl('line', { class: 'axis', x1: pad.l, y1: pad.t, x2: pad.l, y2: H - pad.b }),
  );
  if (points.length > 0) quadrantLines(box, x, y, points, W, H, pad);
  const even = Math.min(xMax, yMax);
  box.append(svgEl('line', { class: 'break-even', x1: x(0), y1: y(0), x2: x(even), y2: y(even) }));
  const layer = svgEl('g', { class: 'points' });
  // Rank 1 last, so it is drawn on top.
  for (const p of points.slice().reverse()) layer.append.apply(layer, whiskers(p, x, y));
  for (const p of points.slice().reverse()) layer.append(pointNode(p, x, y));
  box.append(layer);
  if (points.length > 0) quadrantNames(box, W, H, pad);
  const more = matrix.points.length - points.length;
  setChildren($('matrix'), [box, more > 0
    ? el('p', { class: 'message' }, 'Showing the top ' + points.length + '; ' + more + ' more are in the ranking.')
    : points.length === 0 ? el('p', { class: 'message' }, 'No scored issues yet.') : null]);
  $('matrix-info').textContent = points.length > 0 ? 'Hover or focus a point to name its issue.' : '';
}

async function loadMatrix() {
  const m = await answer(fetch('/admin/matrix', authed('GET')));
  matrix.points = m.points;
  matrix.horizonMonths = m.horizonMonths;
  drawMatrix();
}
`;

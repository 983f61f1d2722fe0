/**
 * Browser code for the Review view's chart (README "Backlog reviews"): the technical and product
 * share of the top N by net value over time, from `GET /admin/review/trend` (one point per daily
 * snapshot, then now). Hand-drawn SVG like the other charts (client-charts.ts): each series has
 * its own mark shape and line style, so no meaning rests on colour alone, and the chart has a
 * text summary plus the same numbers as a table.
 */
export const CLIENT_REVIEW_CHART = `
/** The chart spans every snapshot kept (92 days), whatever period the review compares with. */
const SHARE_TREND_SINCE = '90d';
const SHARE_SERIES = [
  { type: 'technical', label: 'Technical', shape: 'circle' },
  { type: 'product', label: 'Product', shape: 'square' },
];

function shareMark(series, cx, cy, attrs, title) {
  const base = Object.assign({ class: 'mark ' + series.type }, attrs);
  const node = series.shape === 'circle'
    ? svgEl('circle', Object.assign(base, { cx: cx, cy: cy, r: 4 }))
    : svgEl('rect', Object.assign(base, { x: cx - 4, y: cy - 4, width: 8, height: 8 }));
  if (title) node.append(svgEl('title', {}, title));
  return node;
}

function pointText(series, p) {
  const s = p[series.type];
  return series.label + ': ' + pct(s.sharePct) + ' of the net value, ' + s.count + ' issues (' +
    utc(p.at) + ')';
}

function shareTrendLabel(trend) {
  const first = trend.points[0];
  const last = trend.points[trend.points.length - 1];
  const runs = SHARE_SERIES.map(function (s) {
    return s.label.toLowerCase() + ' from ' + pct(first[s.type].sharePct) + ' to ' +
      pct(last[s.type].sharePct);
  });
  return 'Share of the top ' + trend.top + ' by net value over time, ' + trend.points.length +
    (trend.points.length === 1 ? ' point' : ' points') + ' from ' + utc(first.at) + ' to ' +
    utc(last.at) + ': ' + runs.join(', ');
}

function shareChart(trend) {
  const W = 560;
  const H = 200;
  const pad = { l: 40, r: 12, t: 10, b: 22 };
  const points = trend.points;
  const label = shareTrendLabel(trend);
  const box = svgEl('svg', { id: 'review-chart', class: 'plot', viewBox: '0 0 ' + W + ' ' + H,
    role: 'img', 'aria-label': label }, [svgEl('title', {}, label)]);
  const times = points.map(function (p) { return Date.parse(p.at); });
  const t0 = times[0];
  const t1 = times[times.length - 1];
  const along = scale(t0, t1 === t0 ? t0 + 1 : t1, pad.l, W - pad.r);
  const x = function (i) { return points.length === 1 ? (pad.l + W - pad.r) / 2 : along(times[i]); };
  const y = scale(0, 100, H - pad.b, pad.t);
  for (const tick of [0, 50, 100]) {
    box.append(
      svgEl('line', { class: tick === 0 ? 'axis' : 'grid', x1: pad.l, y1: y(tick), x2: W - pad.r,
        y2: y(tick) }),
      svgEl('text', { x: pad.l - 4, y: y(tick) + 4, 'text-anchor': 'end' }, tick + '%'),
    );
  }
  box.append(
    svgEl('line', { class: 'axis', x1: pad.l, y1: pad.t, x2: pad.l, y2: H - pad.b }),
    svgEl('text', { x: pad.l, y: H - 4 }, shortTime(points[0].at)),
  );
  if (points.length > 1) {
    box.append(svgEl('text', { x: W - pad.r, y: H - 4, 'text-anchor': 'end' },
      shortTime(points[points.length - 1].at)));
  }
  for (const series of SHARE_SERIES) {
    const xy = points.map(function (p, i) { return [x(i), y(p[series.type].sharePct)]; });
    if (xy.length > 1) {
      box.append(svgEl('polyline', { class: 'line ' + series.type,
        points: xy.map(function (c) { return c[0].toFixed(1) + ',' + c[1].toFixed(1); }).join(' ') }));
    }
    points.forEach(function (p, i) {
      box.append(shareMark(series, xy[i][0], xy[i][1], { 'data-at': p.at }, pointText(series, p)));
    });
  }
  return box;
}

function shareLegend() {
  return el('div', { class: 'legend' }, SHARE_SERIES.map(function (s) {
    return el('span', {}, [
      svgEl('svg', { viewBox: '0 0 14 14', 'aria-hidden': 'true' }, shareMark(s, 7, 7, {}, null)),
      s.label + ' (' + (s.shape === 'circle' ? 'circles, solid line' : 'squares, dashed line') + ')',
    ]);
  }));
}

/** The chart's numbers as a table: its text alternative, for reading or copying. */
function shareTable(trend) {
  const heads = ['When', 'Technical, by net value', 'Product, by net value', 'Technical issues',
    'Product issues'];
  return el('details', {}, [
    el('summary', {}, 'The chart as a table'),
    el('div', { class: 'scroll' }, el('table', { id: 'review-trend-table' }, [
      el('caption', { class: 'visually-hidden' }, 'Share of the top ' + trend.top + ' over time'),
      el('thead', {}, el('tr', {}, heads.map(function (h) { return el('th', { scope: 'col' }, h); }))),
      el('tbody', {}, trend.points.map(function (p) {
        return el('tr', { 'data-at': p.at }, [
          el('td', { class: 'nowrap' }, utc(p.at)),
          el('td', { class: 'num' }, pct(p.technical.sharePct)),
          el('td', { class: 'num' }, pct(p.product.sharePct)),
          el('td', { class: 'num' }, String(p.technical.count)),
          el('td', { class: 'num' }, String(p.product.count)),
        ]);
      })),
    ])),
  ]);
}

function drawShareTrend(trend) {
  $('review-trend-title').textContent = 'Share of the top ' + trend.top + ' over time';
  setChildren($('review-trend'), [shareLegend(), shareChart(trend), shareTable(trend)]);
}
`;

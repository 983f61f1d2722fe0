/**
 * Browser code for small hand-drawn SVG charts: scales, axis ticks, short money labels and a line
 * chart (the backlog trend and the issue sparklines). No library: a few dozen lines stay smaller
 * and easier to make accessible than a vendored one. Each chart is an `img` with a text summary.
 */
export const CLIENT_CHARTS = `
function scale(d0, d1, r0, r1) {
  const span = d1 - d0 || 1;
  return function (v) {
    return r0 + ((v - d0) / span) * (r1 - r0);
  };
}

/** 1, 2, 2.5 or 5 times a power of ten, at or above v. */
function niceCeil(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

/** $950, $12k, $1.2M: axis labels. */
function shortMoney(usd) {
  const abs = Math.abs(usd);
  const sign = usd < 0 ? '-' : '';
  if (abs >= 1e6) return sign + '$' + Number((abs / 1e6).toFixed(1)) + 'M';
  if (abs >= 1e3) return sign + '$' + Number((abs / 1e3).toFixed(1)) + 'k';
  return money(usd);
}

function shortTime(iso) {
  return new Date(iso).toLocaleString(undefined, {
    month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

/**
 * A line over time: points [{ at, y }] (oldest first, y may be null), drawn in a width x height
 * box with the first and last time under it and the smallest and largest value beside it.
 */
function lineChart(points, opts) {
  const W = opts.width;
  const H = opts.height;
  const pad = { l: 52, r: 10, t: 8, b: 20 };
  const known = points.filter(function (p) { return p.y !== null && p.y !== undefined; });
  const label = opts.label + ': ' + (known.length === 0 ? 'no data yet'
    : known.length + ' points, from ' + opts.format(known[0].y) + ' (' + shortTime(known[0].at) +
      ') to ' + opts.format(known[known.length - 1].y) + ' (' +
      shortTime(known[known.length - 1].at) + ')');
  const box = svgEl('svg', {
    class: opts.className || 'plot', viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': label,
  }, [svgEl('title', {}, label)]);
  if (known.length === 0) {
    box.append(svgEl('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no data yet'));
    return box;
  }
  const times = known.map(function (p) { return Date.parse(p.at); });
  const ys = known.map(function (p) { return p.y; });
  let lo = Math.min.apply(null, ys);
  let hi = Math.max.apply(null, ys);
  if (opts.fromZero) lo = Math.min(0, lo);
  // One value only: a flat line at mid height, labelled once.
  const flat = lo === hi;
  if (flat) { lo -= 1; hi += 1; }
  const t0 = times[0];
  const t1 = times[times.length - 1];
  const x = scale(t0, t1 === t0 ? t0 + 1 : t1, pad.l, W - pad.r);
  const y = opts.invert ? scale(lo, hi, pad.t, H - pad.b) : scale(lo, hi, H - pad.b, pad.t);
  const xy = known.map(function (p, i) {
    return [known.length === 1 ? (pad.l + W - pad.r) / 2 : x(times[i]), y(p.y)];
  });
  box.append(
    svgEl('line', { class: 'axis', x1: pad.l, y1: H - pad.b, x2: W - pad.r, y2: H - pad.b }),
    svgEl('line', { class: 'axis', x1: pad.l, y1: pad.t, x2: pad.l, y2: H - pad.b }),
  );
  if (flat) {
    box.append(svgEl('text', { x: pad.l - 4, y: y(ys[0]) + 4, 'text-anchor': 'end' }, opts.format(ys[0])));
  } else {
    box.append(
      svgEl('text', { x: pad.l - 4, y: y(hi) + 4, 'text-anchor': 'end' }, opts.format(hi)),
      svgEl('text', { x: pad.l - 4, y: y(lo) + 4, 'text-anchor': 'end' }, opts.format(lo)),
    );
  }
  box.append(
    svgEl('text', { x: pad.l, y: H - 4 }, shortTime(known[0].at)),
    svgEl('text', { x: W - pad.r, y: H - 4, 'text-anchor': 'end' }, shortTime(known[known.length - 1].at)),
  );
  if (xy.length > 1) {
    box.append(svgEl('polyline', {
      class: 'line ' + opts.series,
      points: xy.map(function (p) { return p[0].toFixed(1) + ',' + p[1].toFixed(1); }).join(' '),
    }));
  }
  const last = xy[xy.length - 1];
  box.append(svgEl('circle', { class: 'dot ' + opts.series, cx: last[0], cy: last[1], r: 3.5 }));
  return box;
}
`;

/**
 * Browser code for the backlog trend (`GET /admin/history`, the whole backlog): the sum of
 * positive net value and the issues needing input after each sync, one line chart each (their
 * scales differ).
 */
export const CLIENT_TREND = `
async function loadTrend() {
  const history = await answer(fetch('/admin/history', authed('GET')));
  const value = history.points.map(function (p) { return { at: p.at, y: p.positiveNetValueUsd }; });
  const needs = history.points.map(function (p) { return { at: p.at, y: p.needsInput }; });
  setChildren($('trend'), [
    el('h4', {}, 'Sum of positive net value'),
    lineChart(value, { width: 520, height: 150, label: 'Sum of positive net value',
      format: shortMoney, series: 'value', fromZero: true }),
    el('h4', {}, 'Issues needing input'),
    lineChart(needs, { width: 520, height: 150, label: 'Issues needing input',
      format: function (n) { return String(Math.round(n)); }, series: 'needs', fromZero: true }),
  ]);
}
`;

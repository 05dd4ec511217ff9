// Results: every scored interview, a chart of overall scores over
// attempts and one of the dimensions, and when each result is deleted.
import { api, el, fmtDate, fmtScore, roles, roleTitle, svg } from './api.js';

const list = document.getElementById('results');
const charts = document.getElementById('charts');

const W = 640;
const H = 240;
const PAD = { l: 36, r: 12, t: 12, b: 28 };

// lineChart plots series of scores (0-10) over the same attempts; each
// series has its own colour and dash pattern, named in a legend.
function lineChart(series, n, label) {
  const legendH = series.length > 1 ? 24 : 0;
  const x = (i) => PAD.l + (n === 1 ? (W - PAD.l - PAD.r) / 2 : (i * (W - PAD.l - PAD.r)) / (n - 1));
  const y = (v) => legendH + PAD.t + (1 - v / 10) * (H - PAD.t - PAD.b);
  const grid = [0, 2.5, 5, 7.5, 10].map((v) => [
    svg('line', { x1: PAD.l, x2: W - PAD.r, y1: y(v), y2: y(v), class: v === 7.5 ? 'grid cert' : 'grid' }),
    svg('text', { x: PAD.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(v)),
  ]);
  const lines = series.map((s, k) => {
    const pts = s.points.map((v, i) => [i, v]).filter(([, v]) => v !== null && v !== undefined);
    const d = pts.map(([i, v], j) => `${j ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    return svg('g', { class: `series s${k}` },
      svg('path', { d, class: 'line' }),
      pts.map(([i, v]) => svg('circle', { cx: x(i), cy: y(v), r: 4, class: 'dot' },
        svg('title', {}, `${s.name}, attempt ${i + 1}: ${fmtScore(v)}`))));
  });
  const legend = series.length > 1 ? series.map((s, k) => svg('g', { class: `series s${k}` },
    svg('line', { x1: PAD.l + k * 118, x2: PAD.l + k * 118 + 18, y1: 10, y2: 10, class: 'line' }),
    svg('text', { x: PAD.l + k * 118 + 24, y: 14, class: 'axis' }, s.name))) : [];
  const ticks = Array.from({ length: n }, (_, i) => svg('text', { x: x(i), y: legendH + H - 8, 'text-anchor': 'middle', class: 'axis' }, String(i + 1)));
  return svg('svg', { viewBox: `0 0 ${W} ${H + legendH}`, role: 'img', 'aria-label': label, class: 'chart' },
    svg('title', {}, label), grid, lines, legend, ticks);
}

(async () => {
  let results;
  let catalog = [];
  try {
    [{ results = [] } = {}, catalog] = await Promise.all([api('GET', '/api/v1/results'), roles().catch(() => [])]);
  } catch (err) {
    list.replaceChildren(el('p', { class: 'error', role: 'alert' }, err.message));
    return;
  }
  if (!results.length) {
    list.replaceChildren(el('p', {}, 'No scored interviews in the last 90 days. ', el('a', { href: '/app/interviews/new' }, 'Start one'), '.'));
    return;
  }
  const chrono = [...results].sort((a, b) => new Date(a.scoredAt) - new Date(b.scoredAt));
  const overall = chrono.map((r) => r.overallScore);
  const names = [...new Set(chrono.flatMap((r) => (r.dimensions || []).map((d) => d.name)))];
  const dims = names.map((name) => ({
    name,
    points: chrono.map((r) => {
      const d = (r.dimensions || []).find((x) => x.name === name);
      return d ? d.score : null;
    }),
  }));
  const describe = (s) => `${s.name}: ${s.points.map(fmtScore).join(', ')}`;
  charts.replaceChildren(
    el('figure', {}, lineChart([{ name: 'overall', points: overall }], chrono.length,
      `Overall score over ${chrono.length} attempts, oldest first: ${overall.map(fmtScore).join(', ')}`),
    el('figcaption', {}, 'Overall score (0–10) per attempt, oldest first; the dashed line is 7.5, the certificate mark.')),
    dims.length ? el('figure', {}, lineChart(dims, chrono.length, 'Scores per dimension over attempts. ' + dims.map(describe).join('; ')),
      el('figcaption', {}, 'Each dimension (0–10) per attempt, oldest first.')) : null);
  list.replaceChildren(el('table', {},
    el('caption', {}, 'Scored interviews'),
    el('thead', {}, el('tr', {}, ['Scored', 'Role', 'Overall', 'Answered', 'Deleted on'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, results.map((r) => el('tr', {},
      el('td', {}, fmtDate(r.scoredAt)),
      el('td', {}, el('a', { href: `/app/interviews/${r.interviewId}` }, roleTitle(catalog, r.roleId))),
      el('td', {}, `${fmtScore(r.overallScore)} / 10`),
      el('td', {}, `${r.answered} of ${r.questionCount}`),
      el('td', {}, fmtDate(r.expiresAt)))))));
})();

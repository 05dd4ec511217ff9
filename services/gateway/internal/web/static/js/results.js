// Results: every scored interview, a chart of overall scores over
// attempts and one of the dimensions, and when each result is deleted.
import { api, el, fmtDate, fmtScore, roles, roleTitle, svg } from './api.js';

const list = document.getElementById('results');
const charts = document.getElementById('charts');

const W = 640;
const H = 240;
const PAD = { l: 36, r: 12, t: 12, b: 28 };

// lineChart plots scores (0-10) in order.
function lineChart(points, label) {
  const x = (i) => PAD.l + (points.length === 1 ? (W - PAD.l - PAD.r) / 2 : (i * (W - PAD.l - PAD.r)) / (points.length - 1));
  const y = (v) => PAD.t + (1 - v / 10) * (H - PAD.t - PAD.b);
  const grid = [0, 2.5, 5, 7.5, 10].map((v) => [
    svg('line', { x1: PAD.l, x2: W - PAD.r, y1: y(v), y2: y(v), class: v === 7.5 ? 'grid cert' : 'grid' }),
    svg('text', { x: PAD.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(v)),
  ]);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  const dots = points.map((p, i) => svg('circle', { cx: x(i), cy: y(p.score), r: 4, class: 'dot' },
    svg('title', {}, `Attempt ${i + 1} (${p.label}): ${fmtScore(p.score)}`)));
  const ticks = points.map((p, i) => svg('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', class: 'axis' }, String(i + 1)));
  return svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart' },
    svg('title', {}, label), grid, svg('path', { d: path, class: 'line' }), dots, ticks);
}

// barChart shows named scores (0-10) as horizontal bars.
function barChart(bars, label) {
  const rowH = 28;
  const h = bars.length * rowH + 8;
  const x0 = 170;
  const scale = (v) => (v / 10) * (W - x0 - 48);
  return svg('svg', { viewBox: `0 0 ${W} ${h}`, role: 'img', 'aria-label': label, class: 'chart' },
    svg('title', {}, label),
    bars.map((b, i) => [
      svg('text', { x: x0 - 8, y: i * rowH + 20, 'text-anchor': 'end', class: 'axis' }, b.name),
      svg('rect', { x: x0, y: i * rowH + 6, width: Math.max(1, scale(b.score)), height: rowH - 10, class: 'bar' }),
      svg('text', { x: x0 + scale(b.score) + 6, y: i * rowH + 20, class: 'axis' }, fmtScore(b.score)),
    ]));
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
  const points = chrono.map((r) => ({ score: r.overallScore, label: `${roleTitle(catalog, r.roleId)}, ${fmtDate(r.scoredAt)}` }));
  const sums = new Map();
  for (const r of chrono) {
    for (const d of r.dimensions || []) {
      const s = sums.get(d.name) || { total: 0, n: 0 };
      s.total += d.score;
      s.n++;
      sums.set(d.name, s);
    }
  }
  const bars = [...sums].map(([name, s]) => ({ name, score: s.total / s.n }));
  charts.replaceChildren(
    el('figure', {}, lineChart(points, `Overall score over ${points.length} attempts, from ${fmtScore(points[0].score)} to ${fmtScore(points.at(-1).score)}`),
      el('figcaption', {}, 'Overall score (0–10) per attempt, oldest first; the dashed line is 7.5, the certificate mark.')),
    bars.length ? el('figure', {}, barChart(bars, 'Average score per dimension: ' + bars.map((b) => `${b.name} ${fmtScore(b.score)}`).join(', ')),
      el('figcaption', {}, 'Average of each dimension across these attempts.')) : null);
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

/**
 * A self-contained HTML report of a simulation: inline SVG charts (participants, GMV per day,
 * operator cash, participant income distribution) and a summary table, schemes side by side.
 * No scripts, stylesheets or fonts are fetched; the file opens offline.
 */
import { pctShare, yuan } from './messages.js';
import type { SchemeResult, SimulationResult } from './simulate.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const W = 680;
const H = 280;
const PAD = { left: 78, right: 16, top: 28, bottom: 40 };
const MAX_POINTS = 400;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function color(i: number): string {
  return COLORS[i % COLORS.length] ?? '#333';
}

/** Round step (1, 2 or 5 × 10ⁿ) giving about `count` ticks over [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function compact(n: number): string {
  const abs = Math.abs(n);
  const units: [number, string][] = [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, unit] of units) if (abs >= size) return `${Number((n / size).toPrecision(3))}${unit}`;
  return `${Number(n.toPrecision(4))}`;
}

/** One line per scheme, one value per day. */
function lineChart(title: string, lines: readonly (readonly number[])[], format: (v: number) => string): string {
  const days = Math.max(1, ...lines.map((l) => l.length));
  const all = lines.flat();
  const lo = Math.min(0, ...all);
  const hi = Math.max(lo + 1, ...all);
  const ticks = niceTicks(lo, hi);
  const yLo = Math.min(lo, ticks[0] ?? lo);
  const yHi = Math.max(hi, ticks[ticks.length - 1] ?? hi);
  const x = (d: number) => PAD.left + ((W - PAD.left - PAD.right) * d) / Math.max(1, days - 1);
  const y = (v: number) => PAD.top + ((H - PAD.top - PAD.bottom) * (yHi - v)) / (yHi - yLo);
  const stride = Math.max(1, Math.ceil(days / MAX_POINTS));
  const parts: string[] = [`<text x="${PAD.left}" y="18" class="t">${escapeHtml(title)}</text>`];
  for (const t of ticks) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" class="g"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" class="yl">${escapeHtml(format(t))}</text>`);
  }
  for (const d of niceTicks(0, days - 1, 6)) {
    parts.push(`<text x="${x(d).toFixed(1)}" y="${H - PAD.bottom + 16}" class="xl">${d}</text>`);
  }
  parts.push(`<text x="${W - PAD.right}" y="${H - 6}" class="xl" style="text-anchor:end">天 day</text>`);
  lines.forEach((values, i) => {
    const pts: string[] = [];
    for (let d = 0; d < values.length; d += stride) pts.push(`${x(d).toFixed(1)},${y(values[d] ?? 0).toFixed(1)}`);
    const last = values.length - 1;
    if (last >= 0 && last % stride !== 0) pts.push(`${x(last).toFixed(1)},${y(values[last] ?? 0).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${color(i)}" stroke-width="2" points="${pts.join(' ')}"/>`);
  });
  return svg(parts);
}

function svg(parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img">${parts.join('')}</svg>`;
}

/** Labels of the income bins in CNY, from fen edges. */
export function binLabels(edges: readonly number[]): string[] {
  const cny = (fen: number) => compact(fen / 100);
  const labels = [`< ${cny(edges[0] ?? 0)}`];
  for (let i = 1; i < edges.length; i++) {
    const a = edges[i - 1] ?? 0;
    const b = edges[i] ?? 0;
    labels.push(a === 0 && b === 1 ? '0' : a === 1 ? `0…${cny(b)}` : `${cny(a)}…${cny(b)}`);
  }
  labels.push(`≥ ${cny(edges[edges.length - 1] ?? 0)}`);
  return labels;
}

function histogramChart(schemes: SchemeResult[]): string {
  const labels = binLabels(schemes[0]?.income_histogram.edges_fen ?? []);
  const shares = schemes.map((s) => s.income_histogram.counts.map((c) => (s.participants > 0 ? c / s.participants : 0)));
  const hi = Math.max(0.01, ...shares.flat());
  const ticks = niceTicks(0, hi, 4);
  const yHi = Math.max(hi, ticks[ticks.length - 1] ?? hi);
  const plotW = W - PAD.left - PAD.right;
  const band = plotW / labels.length;
  const barW = Math.max(1, (band * 0.8) / Math.max(1, schemes.length));
  const bottom = PAD.bottom + 24;
  const y = (v: number) => PAD.top + ((H - PAD.top - bottom) * (yHi - v)) / yHi;
  const parts = [`<text x="${PAD.left}" y="18" class="t">参与者净收入分布（元） Participant net income (CNY)</text>`];
  for (const t of ticks) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" class="g"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" class="yl">${pctShare(t)}</text>`);
  }
  labels.forEach((label, b) => {
    const x0 = PAD.left + band * b + band * 0.1;
    schemes.forEach((_, i) => {
      const v = shares[i]?.[b] ?? 0;
      parts.push(`<rect x="${(x0 + barW * i).toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${color(i)}"><title>${escapeHtml(`${label}: ${pctShare(v)}`)}</title></rect>`);
    });
    const lx = (PAD.left + band * (b + 0.5)).toFixed(1);
    const ly = H - bottom + 14;
    parts.push(`<text x="${lx}" y="${ly}" class="xl" style="text-anchor:end" transform="rotate(-35 ${lx} ${ly})">${escapeHtml(label)}</text>`);
  });
  return svg(parts);
}

const day = (d: number | null) => (d === null ? '—' : String(d));

export const summaryRows: [string, (s: SchemeResult) => string][] = [
  ['人群规模 Population', (s) => s.population.toLocaleString('en-US')],
  ['参与者 Participants', (s) => s.participants.toLocaleString('en-US')],
  ['K 值 K-factor', (s) => s.k.toFixed(2)],
  ['亏损参与者占比 Share losing money', (s) => pctShare(s.share_losing_money)],
  ['收入基尼系数 Gini of pay', (s) => s.gini.toFixed(3)],
  ['拉人头收入占比 Recruitment-derived share', (s) => pctShare(s.recruitment_share)],
  ['净收入中位数 Median net income', (s) => yuan(s.median_net)],
  ['GMV', (s) => yuan(s.gmv)],
  ['期末现金 Platform cash at end', (s) => yuan(s.platform_cash)],
  ['每单边际贡献 CM per order', (s) => yuan(s.cm_per_order)],
  ['保本单量/天 Break-even orders/day', (s) => (s.break_even_orders_per_day === null ? '—' : String(s.break_even_orders_per_day))],
  ['回本日 Break-even day', (s) => day(s.break_even_day)],
  ['现金耗尽日 Cash-out day', (s) => day(s.cash_out_day)],
  ['红利期结束日 Bonus period ends', (s) => day(s.bonus_period_end_day)],
  ['LTV', (s) => yuan(s.ltv)],
  ['首日综合获客成本 Blended CAC day 0', (s) => yuan(s.cac_day0)],
  ['补贴支出 Subsidy spent', (s) => yuan(s.subsidy_spent)],
];

export function renderReport(result: SimulationResult, title = '私域激励方案模拟 Incentive scheme simulation'): string {
  const schemes = result.schemes;
  const legend = schemes
    .map((s, i) => `<span class="k"><i style="background:${color(i)}"></i>${escapeHtml(s.name)}</span>`)
    .join(' ');
  const head = schemes.map((s, i) => `<th style="color:${color(i)}">${escapeHtml(s.name)}</th>`).join('');
  const rows = summaryRows.map(([label, f]) => `<tr><th>${escapeHtml(label)}</th>${schemes.map((s) => `<td>${escapeHtml(f(s))}</td>`).join('')}</tr>`).join('\n');
  const notes = schemes.flatMap((s) => s.notes.map((n) => `<li>${escapeHtml(`${s.name}: ${n}`)}</li>`)).join('');
  const charts = [
    lineChart('参与者 Participants', schemes.map((s) => s.series.participants), compact),
    lineChart('每日 GMV（元） GMV per day (CNY)', schemes.map((s) => s.series.gmv.map((v) => v / 100)), compact),
    lineChart('平台现金（元） Platform cash (CNY)', schemes.map((s) => s.series.platform_cash.map((v) => v / 100)), compact),
    histogramChart(schemes),
  ];
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:20px} table{border-collapse:collapse;margin:12px 0} th,td{border:1px solid #ddd;padding:4px 10px;text-align:right}
tbody th{text-align:left;font-weight:normal;color:#555} .charts{display:flex;flex-wrap:wrap;gap:12px}
svg{border:1px solid #eee;background:#fff} .t{font-size:13px;font-weight:600} .g{stroke:#eee}
.yl{font-size:10px;text-anchor:end;fill:#666} .xl{font-size:10px;text-anchor:middle;fill:#666}
.k{margin-right:16px} .k i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${result.days} 天，随机种子 ${result.seed} · ${result.days} days, seed ${result.seed}</p>
<p>${legend}</p>
<table><thead><tr><th></th>${head}</tr></thead><tbody>
${rows}
</tbody></table>
<div class="charts">${charts.join('\n')}</div>
${notes ? `<ul>${notes}</ul>` : ''}
</body></html>
`;
}

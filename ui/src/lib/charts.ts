// Charts with Chart.js (bundled by esbuild; canvas, no inline scripts or styles, so the CSP holds).
// Only the parts used are registered (tree-shaken). A canvas says nothing to a screen reader, so
// every chart is a <figure> with a caption, an aria-label on the canvas and the same figures as a
// table under "Cijfers als tabel" (docs/ui.md, "Charts").
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartDataset,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { type Child, h } from './dom.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);
Chart.defaults.font.family = 'system-ui, sans-serif';
Chart.defaults.color = '#1d1d1b';
Chart.defaults.locale = 'nl-BE';
// No animation: calmer for everyone (prefers-reduced-motion), and screenshots are stable.
Chart.defaults.animation = false;

/** The chart colours: distinguishable, and at least 3:1 against white (WCAG 1.4.11). */
export const palette = {
  brand: '#2b3a67',
  crisis: '#b00020',
  late: '#8a4b00',
  green: '#1d6b2f',
  teal: '#00687a',
  purple: '#6a3d9a',
  grey: '#6b6b69',
  sand: '#a66a00',
};

export type ChartKind = 'bar' | 'line';

export interface ChartSpec {
  /** Id prefix of the figure (caption id, table id). */
  id: string;
  title: string;
  /** One sentence that says what the chart shows (the canvas's accessible name with the title). */
  description: string;
  kind: ChartKind;
  labels: string[];
  datasets: ChartDataset<'bar' | 'line', (number | null)[]>[];
  stacked?: boolean;
  horizontal?: boolean;
  /** Format of the values (axis ticks, tooltip, table), e.g. percentages. */
  format?: (value: number | null) => string;
  /** A second y axis (id 'y2') for datasets that set yAxisID: 'y2'. */
  y2?: { title: string; format?: (value: number | null) => string };
  yTitle?: string;
  height?: number;
}

export interface ChartFigure {
  element: HTMLElement;
  /** New figures: the chart updates in place (no new canvas), the table is rebuilt. */
  update(labels: string[], datasets: ChartSpec['datasets']): void;
  destroy(): void;
}

const plain = (v: number | null) => (v === null || v === undefined ? '—' : new Intl.NumberFormat('nl-BE').format(v));

function tableOf(spec: ChartSpec, labels: string[], datasets: ChartSpec['datasets']): HTMLTableElement {
  const fmt = (ds: ChartSpec['datasets'][number]) => (ds.yAxisID === 'y2' ? spec.y2?.format : spec.format) ?? plain;
  return h('table', { class: 'chart-table' },
    h('caption', { class: 'visually-hidden' }, spec.title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, spec.horizontal ? '' : ''), datasets.map((d) => h('th', { scope: 'col' }, String(d.label ?? ''))))),
    h('tbody', {}, labels.map((label, i) => h('tr', {}, h('th', { scope: 'row' }, label),
      datasets.map((d) => h('td', { class: 'num' }, fmt(d)((d.data[i] ?? null) as number | null)))))));
}

/** A figure with the chart, its caption and its figures as a table. */
export function chartFigure(spec: ChartSpec, ...extra: Child[]): ChartFigure {
  const captionId = `${spec.id}-titel`;
  const canvas = h('canvas', { role: 'img', 'aria-label': `${spec.title}: ${spec.description}` });
  const tableSlot = h('div', { class: 'table-wrap' });
  const empty = h('p', { class: 'muted chart-empty', hidden: true }, 'Geen gegevens in deze periode.');
  const box = h('div', { class: 'chart-box', style: `height:${spec.height ?? 260}px` }, canvas);
  const element = h('figure', { class: 'chart', 'aria-labelledby': captionId, id: spec.id },
    h('figcaption', { id: captionId }, spec.title),
    h('p', { class: 'hint' }, spec.description),
    box,
    empty,
    h('details', { class: 'chart-data' }, h('summary', {}, 'Cijfers als tabel'), tableSlot),
    ...extra);
  const axisFormat = spec.format ?? plain;
  const valueAxis = {
    beginAtZero: true,
    stacked: Boolean(spec.stacked),
    title: spec.yTitle ? { display: true, text: spec.yTitle } : undefined,
    ticks: { callback: (v: string | number) => axisFormat(Number(v)), precision: spec.format ? undefined : 0 },
  };
  const categoryAxis = { stacked: Boolean(spec.stacked), ticks: { autoSkip: true, maxRotation: 0 } };
  const scales: NonNullable<NonNullable<ChartConfiguration<'bar' | 'line'>['options']>['scales']> = spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis };
  if (spec.y2) {
    const f = spec.y2.format ?? plain;
    scales.y2 = { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: spec.y2.title }, ticks: { callback: (v: string | number) => f(Number(v)), precision: spec.y2.format ? undefined : 0 } };
  }
  const config: ChartConfiguration<'bar' | 'line', (number | null)[], string> = {
    type: spec.kind,
    data: { labels: spec.labels, datasets: spec.datasets },
    options: {
      indexAxis: spec.horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      spanGaps: true,
      scales,
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 14 } },
        tooltip: {
          callbacks: {
            label: (ctx) => {
              const ds = ctx.dataset as ChartSpec['datasets'][number];
              const f = (ds.yAxisID === 'y2' ? spec.y2?.format : spec.format) ?? plain;
              return `${ds.label ?? ''}: ${f(ctx.raw as number | null)}`;
            },
          },
        },
      },
    },
  };
  const chart = new Chart(canvas, config);
  const show = (labels: string[], datasets: ChartSpec['datasets']) => {
    tableSlot.replaceChildren(tableOf(spec, labels, datasets));
    empty.hidden = labels.length > 0;
    box.hidden = labels.length === 0;
  };
  show(spec.labels, spec.datasets);
  return {
    element,
    update(labels, datasets) {
      chart.data.labels = labels;
      // Keep the dataset objects where they match by label, so Chart.js updates rather than redraws.
      chart.data.datasets = datasets;
      chart.update('none');
      show(labels, datasets);
    },
    destroy: () => chart.destroy(),
  };
}

/** A bar dataset. */
export const bars = (label: string, data: (number | null)[], color: string, extra: Partial<ChartDataset<'bar', (number | null)[]>> = {}): ChartDataset<'bar', (number | null)[]> =>
  ({ type: 'bar', label, data, backgroundColor: color, borderColor: color, borderWidth: 1, maxBarThickness: 56, ...extra });

/** A line dataset. */
export const line = (label: string, data: (number | null)[], color: string, extra: Partial<ChartDataset<'line', (number | null)[]>> = {}): ChartDataset<'line', (number | null)[]> =>
  ({ type: 'line', label, data, borderColor: color, backgroundColor: color, pointRadius: 3, borderWidth: 2, tension: 0, ...extra });

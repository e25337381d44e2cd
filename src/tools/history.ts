import { METHOD_NAMES, type Algorithm } from '../analysis/report.js';
import { shareHistoryChart } from '../charts/migration.js';
import type { ChartOutput } from './answer.js';
import { toChartOutput } from './charts-adapter.js';
import { formatInteger } from './format.js';

/** One upload as the channel's history remembers it (src/store: figures only, no customer rows). */
export interface HistoryUpload {
  readonly fileName: string;
  readonly uploadedAt: string;
  readonly summary: {
    readonly rowsUsed: number;
    readonly k: number;
    readonly algorithm: Algorithm;
    readonly segments: readonly { readonly id: number; readonly name: string; readonly share: number }[];
  } | null;
}

/** `/segments history`: each upload's date, size, k and method, oldest first, and the chart of segment shares over them. */
export function describeHistory(uploads: readonly HistoryUpload[]): { text: string; charts: ChartOutput[] } {
  const lines = uploads.map((u) => {
    const when = u.uploadedAt.replace('T', ' ').slice(0, 16);
    const figures = u.summary ? `${formatInteger(u.summary.rowsUsed)} customers, k = ${u.summary.k}, ${METHOD_NAMES[u.summary.algorithm]}` : 'not analysed';
    return `• ${when} UTC · ${u.fileName}: ${figures}`;
  });
  const analysed = uploads.flatMap((u) => (u.summary ? [{ uploadedAt: u.uploadedAt, segments: u.summary.segments }] : []));
  return {
    text: [`*The last ${formatInteger(uploads.length)} uploads in this channel*, oldest first:`, ...lines].join('\n'),
    charts: analysed.length >= 2 ? [toChartOutput(shareHistoryChart(analysed))] : [],
  };
}

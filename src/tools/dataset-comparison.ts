import type { Analysis } from '../analysis/analysis.js';
import { assignRows } from '../analysis/assign.js';
import type { Fact } from './answer.js';
import { customers, formatInteger, formatShare } from './format.js';
import { fact } from './tool.js';

export interface DatasetVersion {
  readonly fileName: string;
  readonly analysis: Analysis;
}

/**
 * The "then and now" part of the reply to a new upload in a channel that had a dataset.
 * 1. Segment sizes of both analyses side by side, matched by name (names describe what sets a
 *    segment apart, so the same name means the same kind of customer).
 * 2. The new rows placed into the previous segments with the previous model, so the two files can
 *    be compared on one yardstick even when the new analysis found different segments.
 */
export function compareDatasets(previous: DatasetVersion, current: Analysis): { text: string; facts: Fact[] } {
  const before = previous.analysis.report;
  const now = current.report;
  const lines = [
    `*Compared with the previous dataset (${previous.fileName})*: ${formatInteger(before.rowsUsed)} rows in ${before.segments.length} segments then, ${formatInteger(now.rowsUsed)} rows in ${now.segments.length} segments now.`,
  ];
  const facts: Fact[] = [
    fact('Previous dataset rows used', before.rowsUsed, 'count'),
    fact('Previous dataset segments', before.segments.length, 'k'),
  ];
  const previousByName = new Map(before.segments.map((s) => [s.name, s]));
  for (const segment of now.segments) {
    const then = previousByName.get(segment.name);
    const nowText = `${customers(segment.size)} (${formatShare(segment.share)}) now`;
    if (!then) {
      lines.push(`• ${segment.name}: ${nowText}; no segment like it before.`);
      continue;
    }
    previousByName.delete(segment.name);
    facts.push(fact(`Previous ${segment.name} size`, then.size, 'count'), fact(`Previous ${segment.name} share`, then.share, 'share'));
    lines.push(`• ${segment.name}: ${customers(then.size)} (${formatShare(then.share)}) then, ${nowText}: ${trend(then.share, segment.share)}.`);
  }
  for (const gone of previousByName.values()) {
    facts.push(fact(`Previous ${gone.name} size`, gone.size, 'count'), fact(`Previous ${gone.name} share`, gone.share, 'share'));
    lines.push(`• ${gone.name}: ${customers(gone.size)} (${formatShare(gone.share)}) then; no segment like it now.`);
  }
  const assignment = assignToPrevious(previous, current);
  lines.push(assignment.text);
  facts.push(...assignment.facts);
  lines.push(`The new upload is now this channel’s dataset; ${previous.fileName} is kept for comparison.`);
  return { text: lines.join('\n'), facts };
}

function trend(thenShare: number, nowShare: number): string {
  if (formatShare(thenShare) === formatShare(nowShare)) return 'about the same share';
  return nowShare > thenShare ? 'grew' : 'shrank';
}

function assignToPrevious(previous: DatasetVersion, current: Analysis): { text: string; facts: Fact[] } {
  const before = previous.analysis;
  const sameFeatures =
    before.table.features.length === current.table.features.length &&
    before.table.features.every((f, j) => f === current.table.features[j]);
  if (!sameFeatures) {
    return {
      text: `The new file has different feature columns, so its customers cannot be placed in the previous segments.`,
      facts: [],
    };
  }
  const missing = (before.report.categoricalFeatures ?? []).filter((name) => !current.table.categorical.some((c) => c.name === name));
  if (missing.length > 0) {
    return { text: `The new file has no ${missing.join(', ')} column, which the previous segments were made from, so its customers cannot be placed in them.`, facts: [] };
  }
  const labels = assignRows(before, current.table.matrix, current.table.categorical);
  const counts = new Array<number>(before.report.segments.length).fill(0);
  for (const s of labels) counts[s]++;
  const total = labels.length;
  const facts: Fact[] = [];
  const parts = before.report.segments.map((segment, s) => {
    const share = total > 0 ? counts[s] / total : 0;
    facts.push(fact(`New rows placed in previous ${segment.name}`, counts[s], 'count'), fact(`New rows share in previous ${segment.name}`, share, 'share'));
    return `• Segment ${segment.id} (${segment.name}): ${customers(counts[s])} (${formatShare(share)}), was ${formatShare(segment.share)}: ${trend(segment.share, share)}.`;
  });
  return {
    text: [`*The new customers placed in the previous segments* (with the previous model, so both files share one yardstick):`, ...parts].join('\n'),
    facts,
  };
}

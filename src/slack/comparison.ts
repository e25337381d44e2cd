import type { Analysis } from '../analysis/analysis.js';
import type { Fact } from '../tools/answer.js';
import { customers, formatInteger, formatShare } from '../tools/format.js';
import { fact } from '../tools/tool.js';
import type { PreviousDataset } from './engine.js';

/**
 * The "then and now" part of the reply to a new upload in a channel that had a dataset: the
 * segment sizes of both reports side by side, matched by segment name (names describe what sets
 * a segment apart, so the same name means the same kind of customer). Every figure is copied
 * from the two reports; "grew" and "shrank" compare their shares as written.
 */
export function datasetComparison(previous: PreviousDataset, current: Analysis): { text: string; facts: Fact[] } {
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
    const trend =
      formatShare(then.share) === formatShare(segment.share) ? 'about the same share' : segment.share > then.share ? 'grew' : 'shrank';
    lines.push(`• ${segment.name}: ${customers(then.size)} (${formatShare(then.share)}) then, ${nowText}: ${trend}.`);
  }
  for (const gone of previousByName.values()) {
    facts.push(fact(`Previous ${gone.name} size`, gone.size, 'count'), fact(`Previous ${gone.name} share`, gone.share, 'share'));
    lines.push(`• ${gone.name}: ${customers(gone.size)} (${formatShare(gone.share)}) then; no segment like it now.`);
  }
  lines.push(`The new upload is now this channel’s dataset; ${previous.fileName} is kept for comparison.`);
  return { text: lines.join('\n'), facts };
}

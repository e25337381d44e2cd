import { beforeAll, describe, expect, it } from 'vitest';
import { ingestCsv } from '../data/ingest.js';
import { monthlyPair } from '../../test/helpers/monthly-files.js';
import type { Analysis } from './analysis.js';
import { customerKeyColumn } from './customer-key.js';
import { compareAnalyses } from './migration.js';
import { analyze } from './pipeline.js';
import { keptPositions, matchSegments } from './segment-identity.js';
import { fromRows } from '../common/matrix.js';

const PAIR = monthlyPair({ customers: 300, lost: 20, added: 30, movers: 15, seed: 7 });

async function analysed(csv: string, options: Parameters<typeof analyze>[1] = {}): Promise<Analysis> {
  return analyze(ingestCsv(csv), { k: 3, algorithm: 'kmeans', ...options });
}

/** Previous segment id of each of the generated groups (the groups are far apart, so each is one segment). */
function segmentOfGroup(analysis: Analysis, groupOf: ReadonlyMap<string, number>): Map<number, number> {
  const labels = analysis.labels.kmeans!;
  const out = new Map<number, number>();
  analysis.table.rowIds.forEach((id, i) => out.set(groupOf.get(id)!, labels[i] + 1));
  return out;
}

describe('comparing a new month with the previous one', () => {
  let previous: Analysis;
  beforeAll(async () => {
    previous = await analysed(PAIR.previous);
  });

  it('counts continuing, new and lost customers, lost by segment, and the from -> to matrix exactly', async () => {
    const current = await analysed(PAIR.current, { seed: 3 });
    const { comparison } = compareAnalyses(previous, current);
    const segment = segmentOfGroup(previous, PAIR.groupOf);

    expect(comparison.keyColumn).toBe('customer_id');
    expect(comparison.customers).toEqual({ continuing: 280, new: 30, lost: 20 });
    const lostExpected: Record<string, number> = { '1': 0, '2': 0, '3': 0 };
    for (const key of PAIR.lost) lostExpected[String(segment.get(PAIR.groupOf.get(key)!))]++;
    expect(comparison.lostBySegment).toEqual(lostExpected);

    const expected = new Map<string, number>();
    for (const [key, group] of PAIR.groupOf) {
      if (PAIR.lost.includes(key)) continue;
      const cell = `${segment.get(group)}->${segment.get(PAIR.moved.get(key) ?? group)}`;
      expected.set(cell, (expected.get(cell) ?? 0) + 1);
    }
    const actual = new Map(comparison.moves!.map((m) => [`${m.from}->${m.to}`, m.customers]));
    expect(actual).toEqual(expected);
    expect(comparison.moves!.filter((m) => m.from !== m.to).reduce((sum, m) => sum + m.customers, 0)).toBe(15);
  });

  it('keeps the ids of unchanged customers segments when the new month is re-segmented with another seed', async () => {
    const current = await analysed(PAIR.current, { seed: 11 });
    const result = compareAnalyses(previous, current);
    const previousLabel = new Map(previous.table.rowIds.map((id, i) => [id, previous.labels.kmeans![i]]));
    const { keys, current: now } = result.customers;
    let unchanged = 0;
    keys.forEach((key, i) => {
      if (!previousLabel.has(key) || PAIR.moved.has(key)) return;
      unchanged++;
      expect(now[i]).toBe(previousLabel.get(key));
    });
    expect(unchanged).toBe(265);
    expect(result.comparison.segments.map((s) => s.continues)).toEqual([1, 2, 3]);
    expect(result.current.report.segments.map((s) => s.name)).toEqual(previous.report.segments.map((s) => s.name));
    expect(result.comparison.gone).toEqual([]);
  });

  it('compares through the previous model when the new month has another k and method', async () => {
    const current = await analysed(PAIR.current, { k: 4, algorithm: 'gmm' });
    const { comparison } = compareAnalyses(previous, current);
    expect(comparison.customers).toEqual({ continuing: 280, new: 30, lost: 20 });
    expect(comparison.moves!.filter((m) => m.from !== m.to).reduce((sum, m) => sum + m.customers, 0)).toBe(15);
    expect(comparison.segments).toHaveLength(4);
    expect(comparison.segments.filter((s) => s.continues === null).length).toBeGreaterThanOrEqual(1);
  });

  it('counts and lists duplicated keys and leaves them out of the moves, never merging them', async () => {
    const lines = PAIR.current.trimEnd().split('\n');
    const [header, first, second] = lines;
    const twice = `${first.split(',')[0]},${second.split(',').slice(1).join(',')}`;
    const current = await analysed([header, ...lines.slice(1), twice].join('\n'));
    const { comparison } = compareAnalyses(previous, current);
    const key = first.split(',')[0];
    expect(comparison.duplicateKeys).toEqual({ previous: 0, current: 1, examples: [key] });
    expect(comparison.customers!.continuing + comparison.customers!.new).toBe(PAIR.added.length + 280 - 1);
    expect(comparison.customers!.lost).toBe(20);
    expect(comparison.warnings.some((w) => w.includes('more than one row'))).toBe(true);
  });

  it('warns that the files may use different keys when fewer than half are in common', async () => {
    const rekeyed = PAIR.current.replace(/\nC1/g, '\nX1');
    const { comparison } = compareAnalyses(previous, await analysed(rekeyed));
    expect(comparison.customers!.continuing).toBe(0);
    expect(comparison.warnings.some((w) => w.includes('may use different keys'))).toBe(true);
    expect(comparison.differentKeys).toBe(true);
  });

  it('says which feature columns the new month lacks and still counts customers by key', async () => {
    const pair = monthlyPair({ customers: 300, lost: 20, added: 30, movers: 15, seed: 7, dropColumns: ['branch_visits'] });
    const { comparison } = compareAnalyses(await analysed(pair.previous), await analysed(pair.current));
    expect(comparison.missingFeatures).toEqual(['branch_visits']);
    expect(comparison.warnings[0]).toContain('lacks the feature column "branch_visits"');
    expect(comparison.moves).toBeNull();
    expect(comparison.customers).toEqual({ continuing: 280, new: 30, lost: 20 });
  });

  it('follows no key when the identifier is a row number', () => {
    expect(customerKeyColumn({ idColumn: 'Sl_No', rowIds: ['1', '2', '3', '5'] })).toBeNull();
    expect(customerKeyColumn({ idColumn: 'Customer Key', rowIds: ['87073', '38414', '17341'] })).toBe('Customer Key');
    expect(customerKeyColumn({ idColumn: 'Sl_No', rowIds: ['1', '2', '3'] }, true)).toBe('Sl_No');
  });
});

describe('matching segments by their centres', () => {
  it('pairs each new centre with the nearest previous one overall and leaves far ones unmatched', () => {
    const previous = fromRows([[0, 0], [5, 0], [0, 5]]);
    const current = fromRows([[0.1, 4.9], [0.2, 0.1], [9, 9]]);
    const continues = matchSegments(previous, current, 1);
    expect(Array.from(continues)).toEqual([2, 0, -1]);
    expect(Array.from(keptPositions(continues))).toEqual([2, 0, 1]);
  });
});

import { describe, expect, it } from 'vitest';
import { chooseK, VOTERS } from './choose-k.js';
import { StandardScaler } from './scaling.js';
import { kSuite, noStructureSuite } from '../../bench/k-suite.js';

/**
 * The recommendation against each single criterion on the suite's small tables (at most 600 rows,
 * 24 of the 80: every family but the wide ones is represented), with scikit-learn's 10 K-Means
 * starts instead of the default 100 on small tables, to keep CI fast. The
 * full suite runs in `npx tsx bench/choose-k.ts` (README, "Choosing k"). If the vote were no
 * better than its best member, this fails.
 */
describe('choosing k on the generated suite (small tables)', () => {
  it('finds the true k more often than any single criterion', () => {
    const tables = kSuite().filter((t) => t.X.rows <= 600);
    expect(tables.length).toBe(24);
    const criteria = [...VOTERS, 'elbow'] as const;
    const hits = new Map<string, number>([['recommended', 0], ...criteria.map((c) => [c, 0] as [string, number])]);
    for (const table of tables) {
      const result = chooseK(new StandardScaler().fitTransform(table.X), { nInit: 10 });
      if (result.recommended === table.k) hits.set('recommended', (hits.get('recommended') ?? 0) + 1);
      for (const c of criteria) if (result.criteria[c] === table.k) hits.set(c, (hits.get(c) ?? 0) + 1);
    }
    const bestSingle = Math.max(...criteria.map((c) => hits.get(c) ?? 0));
    expect(hits.get('recommended'), JSON.stringify(Object.fromEntries(hits))).toBeGreaterThan(bestSingle);
  });

  it('calls a single Gaussian and a uniform cloud a continuum, still recommending a k', () => {
    for (const table of noStructureSuite().filter((t) => t.X.rows <= 800)) {
      const result = chooseK(new StandardScaler().fitTransform(table.X));
      expect(result.clearGroups, table.name).toBe(false);
      expect(result.recommended).toBeGreaterThanOrEqual(2);
      expect(result.reasons.join(' ')).toMatch(/no natural groups/);
    }
  });
});

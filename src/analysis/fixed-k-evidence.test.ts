import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestCsv } from '../data/ingest.js';
import { closeStartPool } from './kmeans/pool.js';
import { analyze } from './pipeline.js';

const MISSION = fileURLToPath(new URL('../../../shared/data/credit-card-customer-data.csv', import.meta.url));

afterAll(async () => {
  await closeStartPool();
});

describe('a fixed k without the evidence for k', () => {
  const table = ingestCsv(readFileSync(MISSION, 'utf8'));

  it('says the evidence was not gathered and keeps every model and segment of the run with it', async () => {
    const withEvidence = await analyze(table, { k: 4, seed: 1 });
    const without = await analyze(table, { k: 4, seed: 1, evidence: false });
    expect(without.report.kSelection).toMatchObject({ gathered: false, byK: [], votes: [], recommended: 4 });
    expect(Object.values(without.report.kSelection.criteria).every((pick) => pick === null)).toBe(true);
    expect(withEvidence.report.kSelection.gathered).toBeUndefined();
    expect(withEvidence.report.kSelection.byK.length).toBeGreaterThan(0);
    const { kSelection: a, ...restWith } = withEvidence.report;
    const { kSelection: b, ...restWithout } = without.report;
    expect(JSON.stringify(restWithout)).toBe(JSON.stringify(restWith));
    expect(a.range).toEqual(b.range);
  });

  it('still gathers the evidence when k is automatic, whatever the option says', async () => {
    const { report } = await analyze(table, { k: 'auto', evidence: false });
    expect(report.kSelection.gathered).toBeUndefined();
    expect(report.kSelection.recommended).toBe(3);
  });
});

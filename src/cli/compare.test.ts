import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../test/helpers/cli.js';
import { monthlyPair } from '../../test/helpers/monthly-files.js';

let dir: string;
const PAIR = monthlyPair({ customers: 240, lost: 12, added: 18, movers: 9, seed: 5 });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'compare-cli-'));
  await writeFile(join(dir, 'june.csv'), PAIR.previous);
  await writeFile(join(dir, 'july.csv'), PAIR.current);
  const narrow = monthlyPair({ customers: 240, lost: 12, added: 18, movers: 9, seed: 5, dropColumns: ['card_purchases'] });
  await writeFile(join(dir, 'july-narrow.csv'), narrow.current);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (argv: string[]) => runCliCaptured(['compare', ...argv], { DATA_DIR: dir });

describe('npm run cli -- compare', () => {
  it('prints the JSON contract: key column, customers, moves with stayers, lost by segment, segments that continue', async () => {
    const labels = join(dir, 'labels.csv');
    const { code, out, err } = await run([join(dir, 'june.csv'), join(dir, 'july.csv'), '--k', '3', '--json', '--labels', labels]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.keyColumn).toBe('customer_id');
    expect(json.customers).toEqual({ continuing: 228, new: 18, lost: 12 });
    const moved = json.moves.filter((m: { from: number; to: number }) => m.from !== m.to);
    expect(moved.reduce((sum: number, m: { customers: number }) => sum + m.customers, 0)).toBe(9);
    expect(json.moves.reduce((sum: number, m: { customers: number }) => sum + m.customers, 0)).toBe(228);
    expect(Object.values(json.lostBySegment).reduce((a, b) => (a as number) + (b as number), 0)).toBe(12);
    expect(json.segments.map((s: { continues: number | null }) => s.continues)).toEqual([1, 2, 3]);
    expect(json.segments[0]).toEqual(expect.objectContaining({ id: 1, size: expect.any(Number), continues: 1 }));

    const rows = (await readFile(labels, 'utf8')).trimEnd().split('\r\n');
    expect(rows[0]).toBe('customer_id,previous,placed,current');
    expect(rows).toHaveLength(1 + 228 + 18);
    const newcomer = rows.find((r) => r.startsWith(`${PAIR.added[0]},`))!;
    expect(newcomer).toMatch(/^C\d+,,\d,\d$/);
  });

  it('prints what it can, then fails with the sentence naming the missing feature columns', async () => {
    const { code, out, err } = await run([join(dir, 'june.csv'), join(dir, 'july-narrow.csv'), '--k', '3']);
    expect(code).toBe(2);
    expect(out).toContain('228 customers continue, 18 are new and 12 left');
    expect(err).toBe('error: The new file lacks the feature column "card_purchases" of the previous analysis, so its customers cannot be placed in the previous segments.\n');
  });

  it('follows the key the user names, and refuses a column that does not exist', async () => {
    const named = await run([join(dir, 'june.csv'), join(dir, 'july.csv'), '--k', '3', '--key', 'customer_id', '--json']);
    expect(JSON.parse(named.out).keyColumn).toBe('customer_id');
    const missing = await run([join(dir, 'june.csv'), join(dir, 'july.csv'), '--key', 'account']);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('error: There is no column named "account" to use as the customer key.\n');
  });
});

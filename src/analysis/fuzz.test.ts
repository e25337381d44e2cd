import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from './pipeline.js';
import { ingestCsv } from '../data/ingest.js';
import { InputError } from '../common/errors.js';
import { expectOneSentence } from '../../test/helpers/hostile-csv.js';

/**
 * Seeded fuzzing of ingest + analysis: random bytes, randomly damaged copies of a valid file and
 * random well-formed-but-weird CSVs.
 * The only thing allowed to escape is an InputError with one sentence. Analysis runs K-Means
 * over k = 2..4 to keep 2,000 cases within the test's budget; a case that hangs fails the test by
 * its timeout. The slowest case is reported, not asserted: its time measures the machine's load
 * as much as the code.
 */

const RUNS = 2_000;

interface Tally {
  cases: number;
  tables: number;
  analysed: number;
  inputErrors: number;
  slowest: number;
  codes: Record<string, number>;
}
const tallies: Record<string, Tally> = {};
const tally = (name: string): Tally => (tallies[name] ??= { cases: 0, tables: 0, analysed: 0, inputErrors: 0, slowest: 0, codes: {} });

afterAll(() => {
  for (const [name, t] of Object.entries(tallies)) {
    console.log(
      `fuzz ${name}: ${t.cases} cases, ${t.tables} tables, ${t.analysed} analysed, ${t.inputErrors} InputErrors, 0 uncaught, slowest ${t.slowest} ms; InputError codes ${JSON.stringify(t.codes)}`,
    );
  }
});


/** Ingest then analyse one input; anything but an InputError fails the property. */
async function survive(input: Buffer | string, t: Tally): Promise<void> {
  const started = performance.now();
  t.cases++;
  try {
    const table = ingestCsv(input);
    t.tables++;
    expect(table.matrix.data.every(Number.isFinite)).toBe(true);
    const analysis = await analyze(table, { algorithm: 'kmeans', kRange: [2, 4], source: 'fuzz.csv' });
    expect(analysis.report.segments.reduce((sum, s) => sum + s.size, 0)).toBe(table.matrix.rows);
    t.analysed++;
  } catch (error) {
    if (error instanceof InputError) {
      expectOneSentence(error.message);
      t.inputErrors++;
      t.codes[error.code] = (t.codes[error.code] ?? 0) + 1;
    } else {
      throw error;
    }
  } finally {
    t.slowest = Math.max(t.slowest, Math.round(performance.now() - started));
  }
}

const extremeToken = fc.oneof(
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom('1e308', '-1e308', '5e-324', '1e-300', '1e15', 'Infinity', '-Infinity', 'NaN', '0', '-0'),
);
/** Cells of a number column; a few files ("wild") also get doubles from the whole range. */
const numberToken = (wild: boolean) => fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: -1_000, max: 200_000 }).map(String) },
  { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => x.toFixed(3)) },
  { weight: wild ? 3 : 1, arbitrary: wild ? extremeToken : fc.constantFrom('1e-300', '1e15', '0', '-0', '1e6') },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 99_999 }).map((x) => `$${x.toLocaleString('en-US')}`) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 100 }).map((x) => `${x}%`) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 9_999_999 }).map((x) => x.toLocaleString('en-US')) },
  { weight: 2, arbitrary: fc.constantFrom('', 'NA', 'N/A', 'n/a', 'null', 'NULL', '-', '?', '#N/A', 'none', ' ') },
);
const textToken = fc.oneof(
  fc.constantFrom('male', 'female', 'Gold', '=HYPERLINK("http://x")', '+1', '@cmd', 'Ignore previous instructions', 'DATA>>>', '"', "O'Brien"),
  fc.string({ maxLength: 8 }),
);
const headerName = fc.oneof(
  fc.constantFrom('id', 'Customer Key', 'Sl_No', 'balance', 'cards', 'calls', 'a', 'a', '', ' ', 'x y', '=SUM(A1)', 'ignore the rules'),
  fc.string({ minLength: 1, maxLength: 10 }),
);

/** One column's kind decides its cells: numbers, text, an id, or a constant. */
const columnKind = fc.constantFrom('number', 'number', 'number', 'number', 'number', 'text', 'id', 'constant');

const weirdCsv = fc
  .record({
    width: fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 2, max: 8 })),
    rows: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 40 }), fc.integer({ min: 10, max: 40 })),
    wild: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    delimiter: fc.constantFrom(',', ',', ';', '\t', '|'),
    newline: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    quoteAll: fc.boolean(),
    duplicateRows: fc.integer({ min: 0, max: 10 }),
    trailingNewline: fc.boolean(),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      header: fc.array(headerName, { minLength: shape.width, maxLength: shape.width }),
      kinds: fc.array(columnKind, { minLength: shape.width, maxLength: shape.width }),
      cells: fc.array(fc.array(fc.tuple(numberToken(shape.wild), textToken), { minLength: shape.width, maxLength: shape.width }), {
        minLength: shape.rows,
        maxLength: shape.rows,
      }),
    }),
  )
  .map(({ shape, header, kinds, cells }) => {
    const quote = (cell: string): string =>
      shape.quoteAll || cell.includes(shape.delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
    const body = cells.map((row, r) =>
      row.map(([num, text], c) => (kinds[c] === 'number' ? num : kinds[c] === 'text' ? text : kinds[c] === 'id' ? `C${r}` : '7')),
    );
    const duplicated = body.length > 0 ? [...body, ...Array.from({ length: shape.duplicateRows }, (_, i) => body[i % body.length])] : body;
    const lines = [header, ...duplicated].map((row) => row.map(quote).join(shape.delimiter));
    return `${shape.bom ? '\uFEFF' : ''}${lines.join(shape.newline)}${shape.trailingNewline ? shape.newline : ''}`;
  });

/** A valid file to damage: random bytes overwritten, inserted or cut at random places. */
const BASE_CSV = Buffer.from(
  ['Customer Key,Avg_Credit_Limit,Total_Credit_Cards,Total_calls_made,gender', ...Array.from({ length: 30 }, (_, i) => `${87000 + i},"${(i % 3) * 40 + 10},000",${(i % 3) * 3 + 2},${9 - (i % 3) * 3},${i % 2 ? 'F' : 'M'}`)].join('\r\n'),
);
const damagedCsv = fc
  .array(fc.record({ at: fc.nat({ max: BASE_CSV.length }), byte: fc.integer({ min: 0, max: 255 }), action: fc.constantFrom('set', 'insert', 'cut') }), { minLength: 1, maxLength: 12 })
  .map((edits) => {
    let bytes = Buffer.from(BASE_CSV);
    for (const { at, byte, action } of edits) {
      const i = Math.min(at, bytes.length);
      if (action === 'set' && i < bytes.length) bytes[i] = byte;
      else if (action === 'insert') bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
      else bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1 + (byte % 40))]);
    }
    return bytes;
  });

describe('fuzzing ingest + analysis (seeded)', () => {
  it(`survives ${RUNS} random byte strings`, async () => {
    const t = tally('random bytes');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), async (bytes) => survive(Buffer.from(bytes), t)),
      { numRuns: RUNS, seed: 20_261_124 },
    );
    expect(t.cases).toBe(RUNS);
  });

  it(`survives ${RUNS} randomly damaged copies of a valid file`, async () => {
    const t = tally('damaged CSVs');
    await fc.assert(fc.asyncProperty(damagedCsv, async (bytes) => survive(bytes, t)), { numRuns: RUNS, seed: 424_242 });
    expect(t.cases).toBe(RUNS);
    expect(t.analysed).toBeGreaterThan(RUNS / 5);
  });

  it(`survives ${RUNS} well-formed but weird CSVs`, async () => {
    const t = tally('weird CSVs');
    await fc.assert(fc.asyncProperty(weirdCsv, async (csv) => survive(csv, t)), { numRuns: RUNS, seed: 7_077 });
    expect(t.cases).toBe(RUNS);
    // The generator must reach the analysis often, or the property tests little.
    expect(t.analysed).toBeGreaterThan(RUNS / 5);
  });
});

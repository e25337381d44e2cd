import { silentLogger } from './common/logger.js';
import { conversationContext } from '../test/helpers/conversation-context.js';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Analysis } from './analysis/analysis.js';
import { analyze } from './analysis/pipeline.js';
import { ingestCsv, ingestFile } from './data/ingest.js';
import { InputError } from './common/errors.js';
import { type CleanTable } from './data/schema.js';
import { ask, MAX_QUESTION_CHARS } from './llm/ask.js';
import { createLlmClient } from './llm/client.js';
import { runTool, ToolArgumentsError } from './tools/registry.js';
import { expectOneSentence } from '../test/helpers/hostile-csv.js';
import { startOpenAiTestServer, textReply } from '../test/helpers/openai-test-server.js';

/**
 * Every limit refuses the input with one sentence before the costly step starts: file bytes (by
 * stat, before reading), rows, columns, k and the k range, question length, tool argument sizes.
 */

/** Every path read through fs/promises' readFile (the ingest code's only way to read a file). */
const reads = vi.hoisted(() => ({ paths: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    readFile: (...args: Parameters<typeof actual.readFile>) => {
      reads.paths.push(String(args[0]));
      return actual.readFile(...args);
    },
  };
});

let dir: string;
let table: CleanTable;
let analysis: Analysis;

const SETTINGS = { k: null, algorithm: 'kmeans' as const };

function csvOf(rows: number, cols: number): string {
  const header = Array.from({ length: cols }, (_, j) => `f${j}`).join(',');
  const body = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => ((i + 1) * (j + 3)) % 17).join(','));
  return `${[header, ...body].join('\n')}\n`;
}

async function inputError(work: () => unknown): Promise<InputError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof InputError) {
      expectOneSentence(error.message);
      return error;
    }
    throw error;
  }
  throw new Error('expected an InputError');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reliability-limits-'));
  table = ingestCsv(csvOf(30, 3));
  analysis = await analyze(table, { algorithm: 'kmeans', kRange: [2, 4], source: 'limits.csv' });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('file size is checked by stat before the file is read', () => {
  it('refuses a 60 MB (sparse) file under the default 50 MB limit without reading it', async () => {
    const path = join(dir, 'huge.csv');
    await writeFile(path, 'a,b\n');
    // Sparse: 60 MB by stat but no data on disk, so reading it would take real time and memory.
    await truncate(path, 60 * 1024 * 1024);
    const error = await inputError(() => ingestFile(path));
    expect(error.code).toBe('file-too-large');
    expect(error.message).toContain('setting maxFileBytes');
    expect(reads.paths).not.toContain(path);
  });

  it('honours a smaller maxFileBytes, and accepts a file exactly at the limit', async () => {
    const csv = csvOf(20, 3);
    const path = join(dir, 'small.csv');
    await writeFile(path, csv);
    const bytes = Buffer.byteLength(csv);
    expect((await inputError(() => ingestFile(path, { limits: { maxFileBytes: bytes - 1 } }))).code).toBe('file-too-large');
    expect(reads.paths).not.toContain(path);
    expect((await ingestFile(path, { limits: { maxFileBytes: bytes } })).cleaning.rowsIn).toBe(20);
    // The file at the limit is read, through the readFile watched above.
    expect(reads.paths).toContain(path);
  });

  it('names a folder and a missing path in one sentence', async () => {
    expect((await inputError(() => ingestFile(dir))).code).toBe('not-a-file');
    expect((await inputError(() => ingestFile(join(dir, 'nope.csv')))).code).toBe('not-found');
  });
});

describe('rows and columns', () => {
  it('refuses more rows than maxRows and accepts exactly maxRows', async () => {
    const csv = csvOf(5_000, 3);
    expect((await inputError(() => ingestCsv(csv, { limits: { maxRows: 4_999 } }))).code).toBe('too-many-rows');
    expect(ingestCsv(csv, { limits: { maxRows: 5_000 } }).cleaning.rowsIn).toBe(5_000);
  });

  it('refuses 201 columns under the default 200 and accepts 200', async () => {
    expect((await inputError(() => ingestCsv(csvOf(12, 201)))).code).toBe('too-many-columns');
    expect(ingestCsv(csvOf(12, 200)).features.length).toBeGreaterThan(2);
  });
});

describe('k and the k range', () => {
  it.each([
    [{ k: 30 }, 'bad-k'],
    [{ k: 1 }, 'bad-k'],
    [{ k: 2.5 }, 'bad-k'],
    [{ kRange: [1, 4] as const }, 'bad-k-range'],
    [{ kRange: [5, 3] as const }, 'bad-k-range'],
    [{ kRange: [2, 3.5] as const }, 'bad-k-range'],
    [{ kRange: [2, Number.POSITIVE_INFINITY] as const }, 'bad-k-range'],
  ])('analyze(%j) -> %s', async (options, code) => {
    expect((await inputError(() => analyze(table, { algorithm: 'kmeans', ...options }))).code).toBe(code);
  });

  it('a k range starting above the number of rows is one sentence', async () => {
    const small = ingestCsv(csvOf(12, 3));
    const error = await inputError(() => analyze(small, { algorithm: 'kmeans', kRange: [15, 20] }));
    expect(error.code).toBe('bad-k-range');
    expectOneSentence(error.message);
  });

  it.each([
    [{ kRange: [2, 1_000_000] as const }, 'bad-k-range'],
    [{ k: 21 }, 'bad-k'],
    [{ k: Number.NaN }, 'bad-k'],
  ])('analyze(%j) beyond MAX_SEGMENTS or not a number -> %s before any fitting', async (options, code) => {
    const error = await inputError(() => analyze(table, { algorithm: 'kmeans', ...options }));
    expect(error.code).toBe(code);
    expect(error.message).not.toContain('NaN');
  });

  it('the segment tool bounds k to 2..20 in its arguments, and k above the rows is one sentence', async () => {
    const session = { ...conversationContext(analysis, { ...SETTINGS }), charts: null, log: silentLogger };
    await expect(runTool('segment', { k: 500 }, session)).rejects.toBeInstanceOf(ToolArgumentsError);
    const tiny = ingestCsv(csvOf(12, 3));
    const tinyAnalysis = await analyze(tiny, { algorithm: 'kmeans', kRange: [2, 4] });
    const answer = await ask('use 15 segments', conversationContext(tinyAnalysis, { ...SETTINGS }), { llm: null, charts: null });
    expectOneSentence(answer.text);
    expect(answer.text).toContain('Cannot make 15 segments from 12 rows');
  });
});

describe('question length (setting MAX_QUESTION_CHARS)', () => {
  it('answers a question at the limit and refuses one over it in one sentence, before any model call', async () => {
    const server = await startOpenAiTestServer(() => textReply('The data has 30 rows.'));
    try {
      const llm = createLlmClient({ apiKey: 'test-key', baseURL: server.baseURL, model: 'test-model', timeoutMs: 30_000, maxRetries: 0, totalTimeoutMs: 50_000, maxRetryAfterMs: 100 }, silentLogger);
      const long = `how many rows? ${'x'.repeat(MAX_QUESTION_CHARS)}`;
      const refused = await ask(long, conversationContext(analysis, { ...SETTINGS }), { llm, charts: null });
      expectOneSentence(refused.text);
      expect(refused.text).toBe(
        `That question is ${[...long].length.toLocaleString('en-US')} characters long; the limit is 2,000 (setting MAX_QUESTION_CHARS), so ask something shorter.`,
      );
      expect(refused.toolsUsed).toEqual([]);
      expect(server.requests).toHaveLength(0);

      const atLimit = `how many rows? ${' '.repeat(MAX_QUESTION_CHARS - 'how many rows? '.length)}`;
      expect([...atLimit]).toHaveLength(MAX_QUESTION_CHARS);
      const answered = await ask(atLimit, conversationContext(analysis, { ...SETTINGS }), { llm, charts: null });
      expect(answered.text).not.toContain('MAX_QUESTION_CHARS');
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('counts characters, not UTF-16 units, so emoji are not penalised twice', async () => {
    const emoji = '💳'.repeat(MAX_QUESTION_CHARS);
    const answer = await ask(emoji, conversationContext(analysis, { ...SETTINGS }), { llm: null, charts: null });
    expect(answer.text).not.toContain('MAX_QUESTION_CHARS');
  });
});

describe('tool arguments are bounded', () => {
  it('refuses more than 10 filters, a 50+ row preview and a 200+ character feature name', async () => {
    const session = { analysis, settings: { ...SETTINGS }, reanalyze: () => Promise.resolve(analysis), charts: null, log: silentLogger };
    const filter = { feature: 'f0', op: '>', value: 1 };
    await expect(runTool('find_customers', { filters: Array.from({ length: 11 }, () => filter) }, session)).rejects.toBeInstanceOf(ToolArgumentsError);
    await expect(runTool('find_customers', { preview: 51 }, session)).rejects.toBeInstanceOf(ToolArgumentsError);
    await expect(runTool('find_customers', { filters: [{ ...filter, feature: 'f'.repeat(201) }] }, session)).rejects.toBeInstanceOf(ToolArgumentsError);
  });
});

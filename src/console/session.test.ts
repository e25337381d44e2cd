import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { runConsoleSession } from './session.js';
import { createSegmentApp } from '../app/segment-app.js';
import { silentLogger } from '../common/logger.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';

/** The local console (npm start without Slack credentials): the same service and tools, typed lines in, text and files out. */

const REPO = fileURLToPath(new URL('../..', import.meta.url));

let dataDir: string;
let outDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'console-data-'));
  outDir = await mkdtemp(join(tmpdir(), 'console-out-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

/** Run one console session over the given lines; returns everything it printed. */
async function session(lines: readonly string[]): Promise<string> {
  const config = loadConfig({ DATA_DIR: dataDir, OUT_DIR: outDir });
  const app = await createSegmentApp(config, silentLogger);
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const done = runConsoleSession({ app, input, output, outDir, maxUploadBytes: config.maxUploadBytes });
  for (const line of lines) input.write(`${line}\n`);
  input.end();
  await done;
  await app.close();
  return printed;
}

describe('local console session', () => {
  it('analyses an uploaded CSV, answers questions and writes charts to files whose paths it prints', async () => {
    const printed = await session([`/upload ${MISSION_CSV}`, 'which segment calls support most?', 'show the segment map', '/segments status']);
    expect(printed).toContain('Recommended: 3 segments');
    expect(printed).toMatch(/386 customers[\s\S]*224 customers[\s\S]*50 customers/);
    expect(printed).toContain('6.87');
    expect(printed).toContain('Dataset: credit-card-customer-data.csv,');
    const chartPaths = [...printed.matchAll(/^\[chart\] .*: (.+\.png)$/gm)].map((m) => m[1]);
    expect(chartPaths.length).toBeGreaterThanOrEqual(3);
    expect(chartPaths.some((p) => p.endsWith('pca-map.png'))).toBe(true);
    for (const path of chartPaths) expect((await sharp(path).metadata()).format).toBe('png');
  });

  it('answers from the stored dataset in a new session on the same DATA_DIR', async () => {
    const printed = await session(['which segment calls support most?']);
    expect(printed).toContain('6.87');
    expect(printed).not.toContain('There is no dataset');
  });

  it('replies clearly to a file that is not a table, a missing file and a broken CSV', async () => {
    const notes = join(outDir, 'notes.txt');
    const broken = join(outDir, 'broken.csv');
    await writeFile(notes, 'remember the milk\n');
    await writeFile(broken, 'name,city\n"Ann,Paris\nBob,"Rome\n');
    const printed = await session([`/upload ${notes}`, `/upload ${join(outDir, 'missing.csv')}`, `/upload ${broken}`, '/nonsense']);
    expect(printed).toContain('notes.txt is not a table file');
    expect(printed).toContain('There is no file at');
    expect(printed).toContain('quotes are unbalanced');
    expect(printed).toContain('Unknown command /nonsense');
    expect(printed).not.toContain('Something went wrong');
  });

  it('exports and resets through /segments like the Slack command, the reset once confirmed', async () => {
    const printed = await session(['/segments export', '/segments reset', '/confirm-reset', 'which segment calls support most?']);
    expect(printed).toContain('This cannot be undone.');
    expect(printed).toContain('Type /confirm-reset to delete it.');
    const exported = printed.match(/^\[file\] (.+-segments\.csv)$/m)?.[1];
    expect(exported).toBeDefined();
    expect((await readdir(outDir)).some((name) => name.endsWith('-segments.csv'))).toBe(true);
    expect(printed).toContain('Deleted this channel’s datasets');
    expect(printed).toContain('There is no dataset in this channel yet');
  });
});

/**
 * A child process starts tsx and the whole app: on a busy machine that alone can take tens of
 * seconds, so these tests get more than the default 60 s and the child a bound just below it.
 */
const CHILD_TEST_MS = 180_000;
const CHILD_MAX_MS = 170_000;

/** Run `npm start`'s entry point as a child process with stdin piped (bounded). */
function runMain(env: Record<string, string>, stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SLACK_') && !key.startsWith('OPENAI_')));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO, env: { ...cleanEnv, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.ts did not exit within ${CHILD_MAX_MS / 1000} s; output so far:\n${stdout}\n${stderr}`));
    }, CHILD_MAX_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

describe('npm start without Slack credentials', () => {
  it('opens the console on stdin/stdout and runs the same story', async () => {
    const childData = await mkdtemp(join(tmpdir(), 'console-main-'));
    try {
      const { code, stdout } = await runMain(
        { DATA_DIR: childData, OUT_DIR: join(childData, 'out') },
        `/upload ${MISSION_CSV}\nwhich segment calls support most?\n/quit\n`,
      );
      expect(code).toBe(0);
      expect(stdout).toContain('local console');
      expect(stdout).toContain('224 customers');
      expect(stdout).toContain('6.87');
    } finally {
      await rm(childData, { recursive: true, force: true });
    }
  }, CHILD_TEST_MS);

  it('stops with one sentence naming the variable when the Slack settings are incomplete', async () => {
    const { code, stdout, stderr } = await runMain({ SLACK_BOT_TOKEN: 'xoxb-only-the-token' }, '');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(/^Set SLACK_SIGNING_SECRET .*\.$/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  }, CHILD_TEST_MS);
});

import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createSegmentApp } from '../src/app/segment-app.js';
import { ChannelStore } from '../src/store/channel-store.js';
import { createRng } from '../src/analysis/random.js';

/**
 * Crash safety of the store: a writer process storing uploads in a loop is SIGKILLed mid-write
 * 20 times in a row; after every kill a fresh store on the same DATA_DIR finds every dataset
 * the writer had finished (or a newer one whose write had completed), never a torn file, and
 * sweeps the temporary files the killed writer left. Damaged state files are set aside at start-up.
 */

const WRITER = fileURLToPath(new URL('./helpers/store-writer.ts', import.meta.url));
const KILLS = 20;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'durability-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

interface Line {
  readonly kind: 'start' | 'done';
  readonly channel: string;
  readonly sequence: number;
  readonly sha: string;
}

/** Run the writer until it has finished `minDone` uploads, then wait `delayMs` and SIGKILL it. */
function runAndKill(firstSequence: number, minDone: number, delayMs: number): Promise<{ lines: Line[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, String(firstSequence)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Line[] = [];
    let buffered = '';
    let stderr = '';
    let scheduled = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) {
        const [kind, channel, sequence, sha] = part.split(' ');
        if (kind === 'start' || kind === 'done') lines.push({ kind, channel, sequence: Number(sequence), sha });
      }
      if (!scheduled && lines.filter((l) => l.kind === 'done').length >= minDone) {
        scheduled = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited without being killed: ${stderr.slice(0, 500)}`));
      else resolve({ lines, stderr });
    });
  });
}

describe('store durability under SIGKILL', () => {
  it(`loads every completed dataset after each of ${KILLS} kills mid-write, and never a torn file`, async () => {
    const rng = createRng(7);
    const completed = new Map<string, number>();
    const shaOf = new Map<number, string>();
    let nextSequence = 0;
    let killedMidWrite = 0;
    for (let run = 0; run < KILLS; run++) {
      const { lines, stderr } = await runAndKill(nextSequence, 1, rng.int(120));
      expect(stderr).not.toMatch(/warn/);
      for (const line of lines) {
        shaOf.set(line.sequence, line.sha);
        if (line.kind === 'done') completed.set(line.channel, Math.max(completed.get(line.channel) ?? -1, line.sequence));
      }
      const started = lines.filter((l) => l.kind === 'start').length;
      const done = lines.filter((l) => l.kind === 'done').length;
      if (started > done) killedMidWrite += 1;
      nextSequence = Math.max(nextSequence, ...lines.map((l) => l.sequence + 1));

      const warnings: string[] = [];
      const store = new ChannelStore(dataDir, { warn: (_object, message) => warnings.push(message) });
      await store.sweepTemporaryFiles();
      for (const [channelId, lastDone] of completed) {
        const key = { teamId: 'T0DUR', channelId };
        const active = await store.readDataset(key, 'active');
        expect(active, `run ${run}: ${channelId} lost its dataset`).not.toBeNull();
        const sequence = Number(/^upload-(\d+)\.csv$/.exec(active?.record.fileName ?? '')?.[1]);
        // The last finished upload, or a later one whose state file was renamed in before the kill.
        expect(sequence).toBeGreaterThanOrEqual(lastDone);
        expect(active?.record.sha256).toBe(shaOf.get(sequence));
        const previous = await store.readDataset(key, 'previous');
        if (previous) expect(previous.record.sha256).toBe(shaOf.get(Number(/^upload-(\d+)\.csv$/.exec(previous.record.fileName)?.[1])));
        await store.recentTurns(key, '1700000000.000000');
      }
      expect(warnings, `run ${run}: a file was torn`).toEqual([]);
      for (const key of await store.channels()) {
        const names = await readdir(store.directoryOf(key));
        expect(names.filter((n) => n.endsWith('.tmp') || n.includes('.corrupt-'))).toEqual([]);
      }
    }
    expect(completed.size).toBe(3);
    // Most kills should land during a write; at least some must, or the test proves little.
    expect(killedMidWrite).toBeGreaterThan(KILLS / 2);
  }, 240_000);

  it('sets aside damaged state, thread and seen-event files at start-up and starts anyway', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'durability-corrupt-'));
    try {
      const store = new ChannelStore(dir, { warn: () => {} });
      const a = { teamId: 'T1', channelId: 'CFLIP' };
      const b = { teamId: 'T1', channelId: 'CTRUNC' };
      await store.saveUpload(a, { fileName: 'a.csv', bytes: Buffer.from('x,y\n1,2\n'), uploadedBy: null });
      await store.saveUpload(b, { fileName: 'b.csv', bytes: Buffer.from('x,y\n3,4\n'), uploadedBy: null });
      await store.claimThread(b, '1.000001');
      const flip = join(store.directoryOf(a), 'state.json');
      const bytes = await readFile(flip);
      bytes[bytes.length - 20] ^= 0x20;
      await writeFile(flip, bytes);
      const threads = join(store.directoryOf(b), 'threads.json');
      const text = await readFile(threads, 'utf8');
      await writeFile(threads, text.slice(0, Math.floor(text.length / 2)));
      await writeFile(join(dir, 'seen-events.json'), 'sha256:00\n{"version":1,"ids":["Ev1"]}\n');

      const warnings: { object: object; message: string }[] = [];
      const log = { debug: () => {}, info: () => {}, warn: (object: object, message: string) => warnings.push({ object, message }), error: () => {} };
      const config = loadConfig({ DATA_DIR: dir });
      const runtime = await createSegmentApp(config, log, { analyses: { workers: 0 } });
      expect((await runtime.store.state(a)).active).toBeNull();
      expect((await runtime.store.state(b)).active?.fileName).toBe('b.csv');
      expect(await runtime.store.ownsThread(b, '1.000001')).toBe(false);
      expect(runtime.seenEvents.firstTime('Ev1')).toBe(true);
      await runtime.close();
      const reported = warnings.filter((w) => w.message === 'Corrupted state file set aside');
      expect(reported).toHaveLength(3);
      expect((await readdir(store.directoryOf(a))).some((n) => n.startsWith('state.json.corrupt-'))).toBe(true);
      expect((await readdir(store.directoryOf(b))).some((n) => n.startsWith('threads.json.corrupt-'))).toBe(true);
      expect((await readdir(dir)).some((n) => n.startsWith('seen-events.json.corrupt-'))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

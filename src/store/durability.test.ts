import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createSegmentApp } from '../app/segment-app.js';
import { FileChannelStore } from './file-store.js';
import { createRng } from '../analysis/random.js';

/**
 * Crash safety of the store: a writer process storing uploads in a loop is SIGKILLed in the
 * middle of a write 20 times in a row, at a different point each time (which file: the CSV, the
 * state or the thread file; where in it: half written, written but not fsynced, not yet renamed,
 * renamed but the directory not fsynced). The writer stops at that point and says so, and only
 * then is killed, so every kill lands mid-write whatever the machine's load. After every kill a
 * fresh store on the same DATA_DIR finds exactly the datasets the writer had finished (or the
 * one in flight, once its state file was renamed in), never a torn file, and sweeps the temporary
 * file the killed writer left. Damaged state files are set aside at start-up.
 */

const WRITER = fileURLToPath(new URL('../../test/helpers/store-writer.ts', import.meta.url));
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

type FileKind = 'csv' | 'state' | 'threads';
type Phase = 'write' | 'sync' | 'rename' | 'dirsync';

interface KillPoint {
  readonly file: FileKind;
  readonly phase: Phase;
  /** Matching points the writer passes before stopping at one (so the kill hits different uploads). */
  readonly skip: number;
}

const FILES: readonly FileKind[] = ['csv', 'state', 'threads'];
const PHASES: readonly Phase[] = ['write', 'sync', 'rename', 'dirsync'];

/** Run the writer until it stops at `point` and says so, then SIGKILL it there. */
function runAndKill(firstSequence: number, point: KillPoint): Promise<{ lines: Line[]; paused: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', WRITER, dataDir, String(firstSequence), point.file, point.phase, String(point.skip)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Line[] = [];
    let paused = '';
    let buffered = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) {
        const [kind, channel, sequence, sha] = part.split(' ');
        if (kind === 'start' || kind === 'done') lines.push({ kind, channel, sequence: Number(sequence), sha });
        if (kind === 'paused' && !paused) {
          paused = part;
          child.kill('SIGKILL');
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL' || !paused) reject(new Error(`writer exited without stopping mid-write: ${stderr.slice(0, 500)}`));
      else resolve({ lines, paused, stderr });
    });
  });
}

/** The upload an active or previous record holds, by its file name. */
function sequenceOf(fileName: string | undefined): number {
  return Number(/^upload-(\d+)\.csv$/.exec(fileName ?? '')?.[1]);
}

describe('store durability under SIGKILL', () => {
  it(`loads every completed dataset after each of ${KILLS} kills mid-write, and never a torn file`, async () => {
    const rng = createRng(7);
    /** Per channel, the last upload whose state file was renamed in (finished, or killed after that). */
    const completed = new Map<string, number>();
    const shaOf = new Map<number, string>();
    const pointsHit = new Set<string>();
    let nextSequence = 0;
    for (let run = 0; run < KILLS; run++) {
      const combo = run % (FILES.length * PHASES.length);
      const point: KillPoint = { file: FILES[combo % FILES.length], phase: PHASES[Math.floor(combo / FILES.length)], skip: rng.int(3) };
      const { lines, paused, stderr } = await runAndKill(nextSequence, point);
      expect(stderr).not.toMatch(/warn/);
      expect(paused).toMatch(new RegExp(`^paused ${point.file} ${point.phase} `));
      pointsHit.add(`${point.file} ${point.phase}`);
      for (const line of lines) {
        shaOf.set(line.sequence, line.sha);
        if (line.kind === 'done') completed.set(line.channel, Math.max(completed.get(line.channel) ?? -1, line.sequence));
      }
      // Killed inside the last upload it started: started, never done.
      const inFlight = lines.at(-1);
      expect(inFlight?.kind, `run ${run}: the kill was not inside an upload`).toBe('start');
      nextSequence = Math.max(nextSequence, ...lines.map((l) => l.sequence + 1));

      // The in-flight upload is the active one once its state file was renamed in (then only its thread file was being written).
      const stateRenamed = point.file === 'threads' || (point.file === 'state' && point.phase === 'dirsync');
      if (inFlight && stateRenamed) completed.set(inFlight.channel, inFlight.sequence);
      const expectedActive = new Map<string, number | null>(completed);
      if (inFlight && !expectedActive.has(inFlight.channel)) expectedActive.set(inFlight.channel, null);

      const warnings: string[] = [];
      const store = new FileChannelStore(dataDir, { warn: (_object, message) => warnings.push(message) });
      // The killed write's temporary file is left behind unless the kill came after its rename.
      expect(await store.sweepTemporaryFiles(), `run ${run}: temporary files swept`).toBe(point.phase === 'dirsync' ? 0 : 1);
      for (const [channelId, active] of expectedActive) {
        const key = { teamId: 'T0DUR', channelId };
        const stored = await store.readDataset(key, 'active');
        if (active === null) {
          // Its first upload was killed before its state file was renamed in: nothing is active yet.
          expect(stored, `run ${run}: ${channelId} has a dataset it never finished`).toBeNull();
          continue;
        }
        expect(stored, `run ${run}: ${channelId} lost its dataset`).not.toBeNull();
        expect(sequenceOf(stored?.record.fileName), `run ${run}: ${channelId}`).toBe(active);
        expect(stored?.record.sha256).toBe(shaOf.get(active));
        const previous = await store.readDataset(key, 'previous');
        if (previous) expect(previous.record.sha256).toBe(shaOf.get(sequenceOf(previous.record.fileName)));
        await store.recentTurns(key, '1700000000.000000');
      }
      expect(warnings, `run ${run}: a file was torn`).toEqual([]);
      for (const key of await store.channels()) {
        const names = await readdir(store.directoryOf(key));
        expect(names.filter((n) => n.endsWith('.tmp') || n.includes('.corrupt-'))).toEqual([]);
      }
    }
    expect(completed.size).toBe(3);
    expect(pointsHit.size).toBe(FILES.length * PHASES.length);
  }, 240_000);

  it('sets aside damaged state, thread and seen-event files at start-up and starts anyway', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'durability-corrupt-'));
    try {
      const store = new FileChannelStore(dir, { warn: () => {} });
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
      expect(await runtime.seenEvents.firstTime('Ev1')).toBe(true);
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

import { createHash } from 'node:crypto';
import fsp, { type FileHandle } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';

/**
 * A store writer for the durability test, run as a child process: stores uploads in a loop
 * across a few channels. Before each upload it prints `start <channel> <seq> <sha256>`, after it
 * `done <channel> <seq> <sha256>`, so the test knows which datasets were completed when the
 * SIGKILL landed.
 *
 * The kill lands mid-write by construction, not by timing: the writer watches its own file
 * writes (by wrapping fs/promises and FileHandle) and, at the chosen point of the chosen write,
 * prints `paused <file> <phase>` and stops there, so the test can kill it at exactly that point.
 * Points (`phase`) in a write of `file` (csv, state or threads):
 * - write:   half of the bytes are in the file being written, the rest are not;
 * - sync:    all bytes are written, not yet fsynced;
 * - rename:  the file is written and closed, not yet renamed over its target;
 * - dirsync: renamed over its target, the directory not yet fsynced.
 * Arguments: DATA_DIR, the first sequence number, the file, the phase, and how many matching
 * points to pass before stopping at one.
 */

type FileKind = 'csv' | 'state' | 'threads';
type Phase = 'write' | 'sync' | 'rename' | 'dirsync';

const [dataDir, firstArg, fileArg, phaseArg, skipArg] = process.argv.slice(2);
if (!dataDir || firstArg === undefined || !fileArg || !phaseArg || skipArg === undefined) {
  throw new Error('usage: store-writer <dataDir> <firstSequence> <csv|state|threads> <write|sync|rename|dirsync> <skip>');
}
const pauseFile = fileArg as FileKind;
const pausePhase = phaseArg as Phase;
let toSkip = Number(skipArg);
/** A writer that never reaches its point would run for ever: stop with an error instead. */
const MAX_UPLOADS = 40;
const CHANNELS = ['C0DUR1', 'C0DUR2', 'C0DUR3'];

/** The store file a path is written for: writeFileAtomic's `.name.pid.uuid.tmp` counts as `name`. */
function kindOf(path: string): FileKind | null {
  const name = basename(path).replace(/^\.(.+)\.\d+\.[0-9a-f-]{36}\.tmp$/, '$1');
  if (name === 'state.json') return 'state';
  if (name === 'threads.json') return 'threads';
  return /^csv-[0-9a-f]{16}\.csv$/.test(name) ? 'csv' : null;
}

/** Whether this is the point to stop at (each matching point counts once). */
function isPausePoint(path: string, phase: Phase): boolean {
  if (phase !== pausePhase || kindOf(path) !== pauseFile) return false;
  if (toSkip > 0) {
    toSkip -= 1;
    return false;
  }
  return true;
}

/** Report the point and stay there (alive, doing nothing) until the test kills the process. */
function pause(path: string, phase: Phase): Promise<never> {
  process.stdout.write(`paused ${kindOf(path)} ${phase} ${basename(path)}\n`);
  setInterval(() => {}, 1 << 30);
  return new Promise<never>(() => {});
}

const pathOf = new WeakMap<FileHandle, string>();
const realOpen = fsp.open;
const realRename = fsp.rename;
fsp.open = async (...args: Parameters<typeof realOpen>) => {
  const handle = await realOpen(...args);
  pathOf.set(handle, String(args[0]));
  return handle;
};
fsp.rename = async (from: Parameters<typeof realRename>[0], to: Parameters<typeof realRename>[1]) => {
  if (isPausePoint(String(from), 'rename')) await pause(String(from), 'rename');
  await realRename(from, to);
  if (isPausePoint(String(to), 'dirsync')) await pause(String(to), 'dirsync');
};
syncBuiltinESMExports();

const probe = await realOpen(process.execPath, 'r');
const handleMethods = Object.getPrototypeOf(probe) as FileHandle;
await probe.close();
const realWriteFile = handleMethods.writeFile;
const realSync = handleMethods.sync;
handleMethods.writeFile = async function (this: FileHandle, data: Parameters<FileHandle['writeFile']>[0], options?: Parameters<FileHandle['writeFile']>[1]) {
  const path = pathOf.get(this) ?? '';
  if (!isPausePoint(path, 'write')) return realWriteFile.call(this, data, options);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data as Uint8Array);
  await this.write(bytes, 0, Math.floor(bytes.byteLength / 2), 0);
  return pause(path, 'write');
};
handleMethods.sync = async function (this: FileHandle) {
  const path = pathOf.get(this) ?? '';
  if (isPausePoint(path, 'sync')) await pause(path, 'sync');
  return realSync.call(this);
};

// Imported after the wrapping, so the store's fs/promises bindings are already the wrapped ones.
const { FileChannelStore } = await import('../../src/store/file-store.js');
const store = new FileChannelStore(dataDir, { warn: (object, message) => process.stderr.write(`warn ${message} ${JSON.stringify(object)}\n`) });

/** A CSV of a few hundred KB, different for every sequence number. */
function csvFor(sequence: number): Buffer {
  const lines = ['id,balance,calls'];
  for (let row = 0; row < 8000; row++) lines.push(`${row},${(sequence * 7919 + row * 31) % 100000},${(sequence + row) % 11}`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

const first = Number(firstArg);
for (let sequence = first; sequence < first + MAX_UPLOADS; sequence++) {
  const channelId = CHANNELS[sequence % CHANNELS.length];
  const bytes = csvFor(sequence);
  const sha = createHash('sha256').update(bytes).digest('hex');
  process.stdout.write(`start ${channelId} ${sequence} ${sha}\n`);
  const key = { teamId: 'T0DUR', channelId };
  await store.saveUpload(key, { fileName: `upload-${sequence}.csv`, bytes, uploadedBy: 'U0WRITER' });
  await store.appendTurns(key, `1700000000.${String(sequence).padStart(6, '0')}`, [{ role: 'user', text: `upload ${sequence}` }]);
  process.stdout.write(`done ${channelId} ${sequence} ${sha}\n`);
}
process.stderr.write(`never reached the ${pausePhase} point of a ${pauseFile} write in ${MAX_UPLOADS} uploads\n`);
process.exit(3);

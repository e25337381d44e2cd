import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { writeFileAtomic } from './atomic.js';
import { FileChannelStore } from './file-store.js';
import { readCheckedJson, writeCheckedJson } from './checked-file.js';
import { KeyedMutex } from './keyed-mutex.js';
import { SeenEvents } from './seen-events.js';

let dir: string;
let warnings: { object: object; message: string }[];
const log = { warn: (object: object, message: string) => warnings.push({ object, message }) };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'store-test-'));
  warnings = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const A = { teamId: 'T1', channelId: 'C1' };

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary files behind', async () => {
    const path = join(dir, 'nested', 'file.txt');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, 'second');
    expect(await readFile(path, 'utf8')).toBe('second');
    expect(await readdir(join(dir, 'nested'))).toEqual(['file.txt']);
  });
});

describe('checked JSON files', () => {
  const Schema = z.object({ count: z.number() });

  it('reads back what was written', async () => {
    const path = join(dir, 'value.json');
    await writeCheckedJson(path, { count: 3 });
    expect(await readCheckedJson(path, Schema, log)).toEqual({ count: 3 });
  });

  it('returns null for a missing file without a warning', async () => {
    expect(await readCheckedJson(join(dir, 'absent.json'), Schema, log)).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('sets aside a file whose body no longer matches its checksum, and logs it', async () => {
    const path = join(dir, 'value.json');
    await writeCheckedJson(path, { count: 3 });
    await writeFile(path, (await readFile(path, 'utf8')).replace('3', '4'));
    expect(await readCheckedJson(path, Schema, log)).toBeNull();
    const names = await readdir(dir);
    expect(names.some((n) => /^value\.json\.corrupt-\d+$/.test(n))).toBe(true);
    expect(names).not.toContain('value.json');
    expect(warnings[0].message).toContain('Corrupted');
  });

  it('sets aside a truncated file and a file of the wrong shape', async () => {
    const torn = join(dir, 'torn.json');
    await writeCheckedJson(torn, { count: 3 });
    const text = await readFile(torn, 'utf8');
    await writeFile(torn, text.slice(0, text.length - 6));
    expect(await readCheckedJson(torn, Schema, log)).toBeNull();
    const shape = join(dir, 'shape.json');
    await writeCheckedJson(shape, { count: 'three' });
    expect(await readCheckedJson(shape, Schema, log)).toBeNull();
    expect(warnings).toHaveLength(2);
  });
});

describe('FileChannelStore (file-specific behaviour; the contract is store-contract.test.ts)', () => {
  it('keeps only the active and previous CSV files on disk', async () => {
    const store = new FileChannelStore(dir, log);
    for (const name of ['one', 'two', 'three']) await store.saveUpload(A, { fileName: `${name}.csv`, bytes: Buffer.from(`a,b\n${name}\n`), uploadedBy: null });
    const csvFiles = (await readdir(store.directoryOf(A))).filter((n) => n.endsWith('.csv'));
    expect(csvFiles).toHaveLength(2);
  });

  it('forgets (and sets aside) a stored CSV whose bytes were damaged', async () => {
    const store = new FileChannelStore(dir, log);
    const state = await store.saveUpload(A, { fileName: 'one.csv', bytes: Buffer.from('a,b\n1,2\n'), uploadedBy: null });
    await writeFile(join(store.directoryOf(A), state.active?.storedAs ?? ''), 'a,b\n9,9\n');
    expect(await store.readDataset(A, 'active')).toBeNull();
    expect((await store.state(A)).active).toBeNull();
    expect(warnings).toHaveLength(1);
  });

  it('recovers from a corrupted state file with an empty channel instead of crashing', async () => {
    const store = new FileChannelStore(dir, log);
    await store.saveUpload(A, { fileName: 'one.csv', bytes: Buffer.from('a,b\n1,2\n'), uploadedBy: null });
    await writeFile(join(store.directoryOf(A), 'state.json'), 'garbage');
    expect((await store.state(A)).active).toBeNull();
    expect((await readdir(store.directoryOf(A))).some((n) => n.startsWith('state.json.corrupt-'))).toBe(true);
  });

  it('never lets a channel id climb out of the data directory', () => {
    const store = new FileChannelStore(dir, log);
    expect(store.directoryOf({ teamId: '..', channelId: '../../etc' }).startsWith(join(dir, 'channels'))).toBe(true);
  });
});

describe('SeenEvents', () => {
  it('accepts an id once, forgets the oldest beyond capacity, and remembers across restarts', async () => {
    const path = join(dir, 'seen.json');
    const seen = await new SeenEvents(path, log, 3).load();
    expect(await seen.firstTime('E1')).toBe(true);
    expect(await seen.firstTime('E1')).toBe(false);
    for (const id of ['E2', 'E3', 'E4']) await seen.firstTime(id);
    await seen.flush();
    const reloaded = await new SeenEvents(path, log, 3).load();
    expect(await reloaded.firstTime('E4')).toBe(false);
    expect(await reloaded.firstTime('E1')).toBe(true);
  });
});

describe('KeyedMutex', () => {
  it('runs tasks on one key one at a time, even after a failure', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = mutex.run('k', async () => {
      await held;
      order.push('slow');
      throw new Error('boom');
    });
    const fast = mutex.run('k', async () => {
      order.push('fast');
    });
    // A turn of the event loop with the first task held: the second must still be waiting for the key.
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    release();
    await expect(slow).rejects.toThrow('boom');
    await fast;
    expect(order).toEqual(['slow', 'fast']);
  });
});

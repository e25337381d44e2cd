import { createHash } from 'node:crypto';
import { ChannelStore } from '../../src/store/channel-store.js';

/**
 * A store writer for the durability test, run as a child process: stores uploads in a loop
 * across a few channels until it is killed. Before each upload it prints `start <channel> <seq>
 * <sha256>`, after it `done <channel> <seq> <sha256>`, so the test knows which datasets were
 * completed when the SIGKILL landed. Arguments: DATA_DIR and the first sequence number.
 */

const [dataDir, firstArg] = process.argv.slice(2);
if (!dataDir || firstArg === undefined) throw new Error('usage: store-writer <dataDir> <firstSequence>');
const CHANNELS = ['C0DUR1', 'C0DUR2', 'C0DUR3'];
const store = new ChannelStore(dataDir, { warn: (object, message) => process.stderr.write(`warn ${message} ${JSON.stringify(object)}\n`) });

/** A CSV of a few hundred KB, different for every sequence number (so the write takes a moment). */
function csvFor(sequence: number): Buffer {
  const lines = ['id,balance,calls'];
  for (let row = 0; row < 8000; row++) lines.push(`${row},${(sequence * 7919 + row * 31) % 100000},${(sequence + row) % 11}`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

for (let sequence = Number(firstArg); ; sequence++) {
  const channelId = CHANNELS[sequence % CHANNELS.length];
  const bytes = csvFor(sequence);
  const sha = createHash('sha256').update(bytes).digest('hex');
  process.stdout.write(`start ${channelId} ${sequence} ${sha}\n`);
  const key = { teamId: 'T0DUR', channelId };
  await store.saveUpload(key, { fileName: `upload-${sequence}.csv`, bytes, uploadedBy: 'U0WRITER' });
  await store.appendTurns(key, `1700000000.${String(sequence).padStart(6, '0')}`, [{ role: 'user', text: `upload ${sequence}` }]);
  process.stdout.write(`done ${channelId} ${sequence} ${sha}\n`);
}

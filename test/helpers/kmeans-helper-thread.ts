import { parentPort } from 'node:worker_threads';
import { helpSlotOwner, type HelpSlot } from '../../src/analysis/kmeans/help.js';
import type { StartSpec } from '../../src/analysis/kmeans/start.js';

/**
 * A helper thread for the K-Means help test: given a slot whose start is open, it joins it
 * (as a pool worker with no start left does) and takes part in its Lloyd assignments until the
 * owner closes the start; then it reports how many assignments it was woken for.
 */

export interface HelperJob {
  readonly slot: HelpSlot;
  readonly data: Float64Array;
  readonly spec: StartSpec;
}

const port = parentPort;
if (port === null) throw new Error('kmeans-helper-thread must run in a worker thread');
port.once('message', (job: HelperJob) => {
  const served = helpSlotOwner(job.slot, job.data, job.spec, { suspects: new Int32Array(job.slot.labels.length), kernel: null });
  port.postMessage({ served });
});

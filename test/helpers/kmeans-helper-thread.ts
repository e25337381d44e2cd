import { parentPort } from 'node:worker_threads';
import { helpSlotOwner, type HelpSlot } from '../../src/analysis/kmeans/help.js';
import { SimdKernels, type ThreadArrays } from '../../src/analysis/kmeans/simd.js';
import type { StartSpec } from '../../src/analysis/kmeans/start.js';
import type { WasmMemory } from '../../src/common/wasm.js';

/**
 * A helper thread for the K-Means help test: given a slot whose start is open, it joins it
 * (as a pool worker with no start left does) and takes part in its Lloyd assignments until the
 * owner closes the start; then it reports how many assignments it was woken for.
 */

export interface HelperJob {
  readonly slot: HelpSlot;
  readonly data: Float64Array;
  readonly spec: StartSpec;
  /** When `data` lies in a shared WebAssembly memory: the memory and this thread's arrays there. */
  readonly simd: { readonly memory: WasmMemory; readonly arrays: ThreadArrays } | null;
}

const port = parentPort;
if (port === null) throw new Error('kmeans-helper-thread must run in a worker thread');
port.once('message', (job: HelperJob) => {
  const { simd, spec } = job;
  const kernel = simd === null ? null : new SimdKernels(simd.memory, simd.arrays, spec.cols, spec.k);
  const served = helpSlotOwner(job.slot, job.data, spec, { suspects: kernel?.list ?? new Int32Array(job.slot.labels.length), kernel });
  port.postMessage({ served });
});

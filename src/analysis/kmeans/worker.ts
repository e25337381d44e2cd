import { parentPort } from 'node:worker_threads';
import { errorRecord, type ErrorRecord } from '../../common/errors.js';
import { HelperFailed, helpSlotOwner, SlotOwner, type HelpSlot } from './help.js';
import { SimdKernels } from './simd.js';
import { runStart, type StartSpec } from './start.js';
import type { WasmMemory } from '../../common/wasm.js';

/**
 * The starts of one fit, posted to every worker. The rows live in shared memory, so posting this
 * copies nothing big. Each worker takes the next start to run from the shared counter `next`
 * until none is left, so a worker that drew short starts takes more of them and neither waits on
 * the other nor on the main thread; then it helps with the starts still running (`help.ts`).
 */
export interface StartJob {
  readonly job: number;
  readonly data: Float64Array;
  readonly spec: StartSpec;
  readonly seeds: Uint32Array;
  /** One shared Int32 counter: the index of the next start to run. */
  readonly next: Int32Array;
  /** One shared Int32 counter: the index of the next slot to claim. */
  readonly nextSlot: Int32Array;
  /** One slot of shared working memory per worker. */
  readonly slots: readonly HelpSlot[];
  /**
   * When `data` lies in a shared WebAssembly memory: that memory, per slot the byte offset of the
   * scratch its worker's kernels use, and how many centres the scratch holds (see `simd.ts`);
   * otherwise null, and the passes run in JavaScript.
   */
  readonly simd: { readonly memory: WasmMemory; readonly scratch: readonly number[]; readonly centersCapacity: number } | null;
}

/** One start's result. */
export interface StartOutcome {
  readonly job: number;
  readonly start: number;
  readonly labels: Int32Array;
  readonly centroids: Float64Array;
  readonly inertia: number;
  readonly iterations: number;
}

/** A start, or the help with one, threw: the job fails with this error (its class and code kept). */
export interface JobFailure {
  readonly job: number;
  readonly error: ErrorRecord;
}

/** Sent once a worker finds no start of the job left to run or help with. */
export interface JobDone {
  readonly job: number;
  readonly done: true;
  /** Lloyd assignments this worker did for starts running on another worker. */
  readonly helped: number;
}

export type WorkerReply = StartOutcome | JobFailure | JobDone;

const port = parentPort;
if (port === null) throw new Error('the K-Means worker module must run in a worker thread');
const fail = (job: number, error: unknown): void => {
  const failure: JobFailure = { job, error: errorRecord(error) };
  port.postMessage(failure);
};
port.on('message', (message: StartJob) => {
  const { data, spec, simd } = message;
  const slot = Atomics.add(message.nextSlot, 0, 1);
  const own = message.slots[slot];
  const kernel = simd === null ? null : new SimdKernels(simd.memory, { scratch: simd.scratch[slot], centersCapacity: simd.centersCapacity, upper: own.upper, lower: own.lower, labels: own.labels }, spec.cols, spec.k);
  // This thread's scratch, for its own starts and for helping with others'.
  const scratch = { suspects: kernel?.list ?? own.suspects, kernel };
  const workspace = { upper: own.upper, lower: own.lower, labels: own.labels, ...scratch };
  const owner = new SlotOwner(own, spec.cols, spec.k);
  for (;;) {
    const start = Atomics.add(message.next, 0, 1);
    if (start >= message.seeds.length) break;
    owner.open();
    try {
      const result = runStart(data, spec, message.seeds[start], workspace, owner);
      const outcome: StartOutcome = { job: message.job, start, ...result };
      // Not transferred: detaching an ArrayBuffer even once makes V8 check every typed array
      // access for detachment from then on, and the next starts ran 15-20% slower. The labels are
      // in shared memory (see runStart), so posting them copies nothing.
      port.postMessage(outcome);
    } catch (error) {
      if (!(error instanceof HelperFailed)) fail(message.job, error);
    } finally {
      owner.close();
    }
  }
  let helped = 0;
  try {
    for (const other of message.slots) if (other !== own) helped += helpSlotOwner(other, data, spec, scratch);
  } catch (error) {
    fail(message.job, error);
  }
  const done: JobDone = { job: message.job, done: true, helped };
  port.postMessage(done);
});

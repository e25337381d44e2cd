import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { errorFromRecord } from '../../common/errors.js';
import { startWorker } from '../../common/worker-thread.js';
import { helpSlot } from './help.js';
import type { LloydResult } from './lloyd.js';
import { rowsMemory, type RowsMemory, type ThreadArrays } from './simd.js';
import { denseMatrix, sharedDenseMatrix, type DenseMatrix } from '../../common/matrix.js';
import { BestStart, type StartSpec } from './start.js';
import type { StartJob, WorkerReply } from './worker.js';

/**
 * The pool cannot run starts: a worker could not start or stopped, or the pool was closed. The
 * one rejection a caller may answer by running the starts on its own thread; an error thrown by a
 * start itself rejects with that error (its class and code kept).
 */
export class WorkersUnavailable extends Error {
  override readonly name = 'WorkersUnavailable';
}

/** The rows of a job in shared memory: a plain shared copy, or one in a WebAssembly memory for the SIMD search. */
interface SharedRows {
  readonly data: Float64Array;
  /** The caller's memory (`kmeansRowsMatrix`), used as it is: never kept as the spare. */
  readonly lent: RowsMemory | null;
  readonly simd: StartJob['simd'];
  /** Per worker, its starts' row arrays in the WebAssembly memory (empty without one). */
  readonly threads: readonly ThreadArrays[];
  /** What a later job must match to reuse this memory: the number of values, cols and workers (and room for its k). */
  readonly shape: string;
}

interface Job {
  /** The shared copy of the rows the pool made for this job, if it made one. */
  readonly copy: SharedRows | null;
  /** Results that came back before an earlier start's, waiting to be offered in start order. */
  readonly waiting: Map<number, LloydResult>;
  /** The next start to offer to `keep`. */
  nextToOffer: number;
  readonly keep: BestStart;
  /** Starts without a result yet. */
  remaining: number;
  /** Workers that have not yet reported the job done. */
  workersLeft: number;
  readonly resolve: (best: LloydResult) => void;
  readonly reject: (error: Error) => void;
  /** Called once every worker has reported the job done. */
  readonly drained: () => void;
}

/**
 * A small pool of worker threads that run K-Means starts, shared by every fit in the process.
 * A fit is posted to every worker at once, and the workers share out its starts themselves
 * through a counter in shared memory: starts differ in length (a few Lloyd iterations or dozens),
 * so a fixed split would leave one core idle at the end, and asking the main thread for the next
 * start would stall while it computes something else (the evidence fits mixtures, the pipeline
 * K-Medoids, meanwhile). A worker left without a start helps with the Lloyd iterations of one
 * still running (`help.ts`). Workers are created on first use and kept for the next fit;
 * they hold the process open only while they have work, so a script or test run exits when it is
 * done.
 */
class StartPool {
  private readonly workers: Worker[] = [];
  /** Per worker, the jobs posted to it that it has not finished yet. */
  private readonly busy = new Map<Worker, number>();
  private readonly jobs = new Map<number, Job>();
  private nextJob = 0;
  private broken: WorkersUnavailable | null = null;
  /**
   * The shared copy of the last job's rows, kept for the next job of the same shape: writing into
   * fresh shared memory costs a page fault per 4 KiB, more than the copy itself.
   */
  private spare: SharedRows | null = null;
  /** Lloyd assignments a worker did for a start running on another worker, over the pool's life. */
  helpedAssignments = 0;

  /** Memories lent by callers (`kmeansRowsMatrix`) that a job is using: a second job on them copies. */
  private readonly lentInUse = new WeakSet<RowsMemory>();

  constructor(readonly size: number) {}

  /** Runs one start per seed (at least one) on the workers; the best start, as `BestStart` picks it in seed order. */
  runStarts(data: Float64Array, spec: StartSpec, seeds: Uint32Array): Promise<LloydResult> {
    return this.post(data, spec, seeds, () => undefined);
  }

  /** Starts every worker and waits until each has loaded the K-Means code and taken its turn at a tiny job. */
  async warm(): Promise<void> {
    const tiny = new Float64Array([0, 1]);
    let drained = (): void => undefined;
    const allDone = new Promise<void>((resolve) => {
      drained = resolve;
    });
    await this.post(tiny, { rows: 2, cols: 1, k: 1, maxIter: 1, tol: 0 }, new Uint32Array(this.size), drained);
    await allDone;
  }

  private post(data: Float64Array, spec: StartSpec, seeds: Uint32Array, drained: () => void): Promise<LloydResult> {
    if (this.broken) return Promise.reject(this.broken);
    try {
      this.grow();
    } catch (error) {
      this.fail(error);
      return Promise.reject(this.broken);
    }
    const id = this.nextJob++;
    const copy = this.sharedCopy(data, spec);
    const message: StartJob = {
      job: id,
      data: copy?.data ?? data,
      simd: copy?.simd ?? null,
      spec,
      seeds,
      next: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
      nextSlot: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
      slots: this.workers.map((_, w) => helpSlot(spec.rows, spec.cols, spec.k, copy?.threads[w])),
    };
    const finished = new Promise<LloydResult>((resolve, reject) => {
      this.jobs.set(id, {
        copy,
        waiting: new Map(),
        nextToOffer: 0,
        keep: new BestStart(spec.k),
        remaining: seeds.length,
        workersLeft: this.workers.length,
        resolve,
        reject,
        drained,
      });
    });
    for (const worker of this.workers) {
      this.busy.set(worker, (this.busy.get(worker) ?? 0) + 1);
      worker.ref();
      worker.postMessage(message);
    }
    return finished;
  }

  /** Stops the workers; fits still in flight are rejected (`fitAsync` then runs them on its own thread). */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    this.busy.clear();
    this.spare = null;
    this.settleAll(new WorkersUnavailable('K-Means worker pool closed'));
    // An idle worker is unreferenced; referenced, it keeps the process alive until it has stopped.
    for (const worker of workers) worker.ref();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /**
   * `data` where every worker can read it: copied into a shared WebAssembly memory when the
   * SIMD search can run on it (`rowsMemory`), otherwise into plain shared memory unless it is
   * there already (then null: the job uses `data` itself). The spare copy is reused when the
   * shape matches and no job uses it.
   */
  private sharedCopy(data: Float64Array, spec: StartSpec): SharedRows | null {
    const fits = (memory: { readonly threads: readonly ThreadArrays[] }): boolean => memory.threads.every((t) => t.centersCapacity >= spec.k);
    const lent = lentMemories.get(data);
    if (lent !== undefined && lent.threads.length === this.workers.length && fits(lent) && !this.lentInUse.has(lent)) {
      this.lentInUse.add(lent);
      return { data, lent, simd: kernelsJob(lent), threads: lent.threads, shape: '' };
    }
    const shape = `${data.length}/${spec.cols} w${this.workers.length}`;
    const spare = this.spare;
    this.spare = null;
    let rows: SharedRows | null = spare !== null && spare.shape === shape && fits(spare) ? spare : null;
    if (rows === null) {
      const memory = rowsMemory(data.length, spec.cols, spec.k, this.workers.length);
      if (memory !== null) rows = { data: memory.data, lent: null, simd: kernelsJob(memory), threads: memory.threads, shape };
      else if (data.buffer instanceof SharedArrayBuffer) return null;
      else rows = { data: new Float64Array(new SharedArrayBuffer(data.byteLength)), lent: null, simd: null, threads: [], shape };
    }
    rows.data.set(data);
    return rows;
  }

  private grow(): void {
    while (this.workers.length < this.size) {
      const worker = startWorker(new URL('./worker.ts', import.meta.url));
      worker.on('message', (message: WorkerReply) => this.receive(worker, message));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (this.workers.includes(worker)) this.fail(new Error(`K-Means worker stopped with exit code ${code}`));
      });
      this.workers.push(worker);
      this.busy.set(worker, 0);
    }
  }

  private receive(worker: Worker, message: WorkerReply): void {
    // A closed pool's workers may still deliver: their jobs are settled, and they must stay referenced until they stop.
    if (!this.workers.includes(worker)) return;
    const job = this.jobs.get(message.job);
    if ('done' in message) {
      this.helpedAssignments += message.helped;
      const left = (this.busy.get(worker) ?? 1) - 1;
      this.busy.set(worker, left);
      if (left === 0) worker.unref();
      if (job !== undefined && --job.workersLeft === 0) {
        this.jobs.delete(message.job);
        job.drained();
      }
      return;
    }
    if (job === undefined || job.remaining === 0) return;
    if ('error' in message) {
      job.remaining = 0;
      job.reject(errorFromRecord(message.error));
      return;
    }
    const { labels, centroids, inertia, iterations } = message;
    job.waiting.set(message.start, { labels, centroids, inertia, iterations });
    for (let next = job.waiting.get(job.nextToOffer); next !== undefined; next = job.waiting.get(job.nextToOffer)) {
      job.waiting.delete(job.nextToOffer++);
      job.keep.offer(next);
    }
    if (--job.remaining === 0) {
      // Every start has returned, so no worker reads the rows any more.
      if (job.copy?.lent) this.lentInUse.delete(job.copy.lent);
      else if (job.copy !== null) this.spare = job.copy;
      job.resolve(job.keep.best);
    }
  }

  /** A worker that cannot start or dies fails every job in flight; callers fall back to the main thread. */
  private fail(cause: unknown): void {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const broken = new WorkersUnavailable(`K-Means workers cannot run: ${reason}`, { cause });
    this.broken = broken;
    this.settleAll(broken);
    void this.close();
  }

  private settleAll(error: Error): void {
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of jobs) {
      job.reject(error);
      job.drained();
    }
  }
}

/** What a job's workers need to run their kernels over the rows in `memory`. */
function kernelsJob(memory: RowsMemory): NonNullable<StartJob['simd']> {
  return { memory: memory.memory, scratch: memory.threads.map((t) => t.scratch), centersCapacity: memory.threads[0].centersCapacity };
}

let pool: StartPool | null = null;

/** The memories of `kmeansRowsMatrix`, by their data. */
const lentMemories = new WeakMap<Float64Array, RowsMemory>();

/**
 * A zero rows x cols matrix for a large fit to write its rows into: in a memory the workers'
 * WebAssembly kernels use as it is (laid out for the pool's workers), so a fit on it copies
 * nothing; in plain shared memory where the kernels cannot run.
 */
export function kmeansRowsMatrix(rows: number, cols: number): DenseMatrix {
  const memory = rowsMemory(rows * cols, cols, 1, startPool().size);
  if (memory === null) return sharedDenseMatrix(rows, cols);
  lentMemories.set(memory.data, memory);
  return denseMatrix(rows, cols, memory.data);
}

/** The process-wide pool: one worker per available core, at most `maxWorkers`. */
export function startPool(maxWorkers = 2): StartPool {
  pool ??= new StartPool(Math.max(1, Math.min(maxWorkers, availableParallelism())));
  return pool;
}

/**
 * Starts the worker threads ahead of the first large fit (worth calling when a long-lived process
 * starts: loading the TypeScript code in each worker takes a few hundred milliseconds).
 */
export async function warmUpKMeansWorkers(): Promise<void> {
  await startPool().warm();
}

/** Stops the pool's workers (the next parallel fit starts new ones). */
export async function closeStartPool(): Promise<void> {
  const current = pool;
  pool = null;
  await current?.close();
}

export type { StartPool };

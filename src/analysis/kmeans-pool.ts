import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LloydResult } from './kmeans-lloyd.js';
import type { StartSpec } from './kmeans-start.js';
import type { StartFailure, StartOutcome, StartTask } from './kmeans-worker.js';

interface Pending {
  readonly message: StartTask;
  readonly resolve: (result: LloydResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Starts posted ahead to each worker. A worker runs its messages in order, so queued starts keep
 * it busy while the main thread is itself computing (the evidence fits mixtures, the pipeline
 * K-Medoids, meanwhile) and cannot hand out the next start. Bounded so a long queue still goes
 * to whichever worker frees up first.
 */
const STARTS_IN_FLIGHT_PER_WORKER = 64;

/**
 * A small pool of worker threads that run K-Means starts, one start per task, shared by every
 * fit in the process. Workers are created on first use and kept for the next fit; they hold the
 * process open only while they have work, so a script or test run exits when it is done.
 */
class StartPool {
  private readonly workers: Worker[] = [];
  /** Per worker, its posted starts in posting order (the order it answers them). */
  private readonly running = new Map<Worker, Pending[]>();
  private readonly queue: Pending[] = [];
  private nextTask = 0;
  private broken: Error | null = null;

  constructor(private readonly size: number) {}

  /** Runs one start per seed on the workers; results in seed order. */
  runStarts(data: Float64Array, spec: StartSpec, seeds: Uint32Array): Promise<LloydResult[]> {
    if (this.broken) return Promise.reject(this.broken);
    const shared = toShared(data);
    const results = Array.from(
      seeds,
      (seed) =>
        new Promise<LloydResult>((resolve, reject) => {
          this.queue.push({ message: { task: this.nextTask++, data: shared, spec, seed }, resolve, reject });
        }),
    );
    this.grow();
    this.dispatch();
    return Promise.all(results);
  }

  /** Starts every worker and waits until each has loaded the K-Means code (one tiny start each). */
  async warm(): Promise<void> {
    const tiny = new Float64Array([0, 1]);
    await this.runStarts(tiny, { rows: 2, cols: 1, k: 1, maxIter: 1, tol: 0 }, new Uint32Array(this.size));
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    this.running.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private grow(): void {
    while (this.workers.length < this.size) {
      const worker = new Worker(new URL('./kmeans-worker.mjs', import.meta.url));
      worker.on('message', (message: StartOutcome | StartFailure) => this.finish(worker, message));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (this.workers.includes(worker)) this.fail(new Error(`K-Means worker stopped with exit code ${code}`));
      });
      this.workers.push(worker);
      this.running.set(worker, []);
    }
  }

  /** Posts queued starts to the least-loaded workers, up to the in-flight limit each. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let target: Worker | null = null;
      let load = STARTS_IN_FLIGHT_PER_WORKER;
      for (const worker of this.workers) {
        const posted = this.running.get(worker)?.length ?? 0;
        if (posted < load) {
          target = worker;
          load = posted;
        }
      }
      if (target === null) break;
      const pending = this.queue.shift()!;
      this.running.get(target)?.push(pending);
      target.ref();
      target.postMessage(pending.message);
    }
    for (const worker of this.workers) if ((this.running.get(worker)?.length ?? 0) === 0) worker.unref();
  }

  private finish(worker: Worker, message: StartOutcome | StartFailure): void {
    const pending = this.running.get(worker)?.shift();
    if (pending !== undefined) {
      if ('error' in message) pending.reject(new Error(message.error));
      else pending.resolve(message);
    }
    this.dispatch();
  }

  /** A worker that cannot start or dies fails everything in flight; callers fall back to the main thread. */
  private fail(error: Error): void {
    this.broken = error;
    const pending = [...[...this.running.values()].flat(), ...this.queue.splice(0)];
    this.running.clear();
    for (const p of pending) p.reject(error);
    void this.close();
  }
}

function toShared(data: Float64Array): Float64Array {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const shared = new Float64Array(new SharedArrayBuffer(data.byteLength));
  shared.set(data);
  return shared;
}

let pool: StartPool | null = null;

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

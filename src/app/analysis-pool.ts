import type { Worker } from 'node:worker_threads';
import type { Analysis } from '../analysis/analysis.js';
import { CapacityError, errorFromRecord, errorSummary } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { startWorker } from '../common/worker-thread.js';
import { reviveAnalysis, runAnalysis, type AnalysisJob } from './analysis-job.js';
import type { WorkerReply, WorkerRequest } from './analysis-worker.js';
import { analysisQueueFullMessage } from './messages.js';

export interface AnalysisPoolOptions {
  /** Worker threads running analyses at once. */
  readonly size: number;
  /** Jobs allowed to wait for a worker; one more is refused with AnalysisQueueFullError. */
  readonly maxQueue: number;
  readonly log: Logger;
  /** The worker module (tests point it at one that cannot start, to exercise the fallback). */
  readonly workerModule?: URL;
  /** Runs a job in this thread when workers cannot be used. */
  readonly inProcess?: (job: AnalysisJob) => Promise<Analysis>;
}

/** Told to the user when their analysis has to wait: its 1-based place in the queue. */
export type QueuedCallback = (position: number) => void;

export class AnalysisQueueFullError extends CapacityError {
  constructor(maxQueue: number) {
    super(analysisQueueFullMessage(maxQueue), 'analysis-queue-full');
  }
}

interface Task {
  readonly id: number;
  readonly job: AnalysisJob;
  readonly resolve: (analysis: Analysis) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  task: Task | null;
}

/** Worker start-up failures tolerated before the pool gives up on threads for good. */
const MAX_WORKER_FAILURES = 3;

/**
 * Analyses (seconds of CPU each) run on a bounded pool of worker threads so the Slack event loop
 * keeps acknowledging events and answering questions while they run. Jobs beyond the workers wait
 * in a bounded FIFO queue; a full queue refuses politely instead of growing without limit. When
 * workers cannot start (or keep dying), jobs run in this thread instead: slower, never lost.
 * Idle workers do not hold the process open, and close() terminates them all.
 */
export class AnalysisPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Task[] = [];
  private readonly inProcess: (job: AnalysisJob) => Promise<Analysis>;
  private nextId = 0;
  private failures = 0;
  private closed = false;

  constructor(private readonly options: AnalysisPoolOptions) {
    this.inProcess = options.inProcess ?? runAnalysis;
  }

  /** Jobs waiting for a worker (not counting running ones). */
  get queued(): number {
    return this.waiting.length;
  }

  /** Whether jobs still go to worker threads (false after repeated start-up failures). */
  get usingWorkers(): boolean {
    return this.failures < MAX_WORKER_FAILURES && this.options.size > 0;
  }

  run(job: AnalysisJob, onQueued?: QueuedCallback): Promise<Analysis> {
    if (this.closed) return Promise.reject(new Error('The analysis pool is closed'));
    if (!this.usingWorkers) return this.inProcess(job);
    // The bound counts jobs that must wait for another to finish, not those a free or starting worker will take.
    const busy = this.slots.filter((slot) => slot.task !== null).length;
    if (this.waiting.length >= this.options.maxQueue + this.options.size - busy) return Promise.reject(new AnalysisQueueFullError(this.options.maxQueue));
    const result = new Promise<Analysis>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, job, resolve, reject });
    });
    this.grow();
    this.dispatch();
    // Jobs ahead of this one beyond the free (or still starting) workers: it waits for others to finish.
    const free = this.slots.filter((slot) => slot.task === null).length;
    const ahead = this.waiting.findIndex((task) => task.id === this.nextId - 1) - free;
    if (ahead >= 0 && onQueued) onQueued(ahead + 1);
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const task of this.waiting.splice(0)) task.reject(new Error('The analysis pool was closed'));
    for (const slot of slots) slot.task?.reject(new Error('The analysis pool was closed'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private grow(): void {
    while (this.usingWorkers && this.slots.length < this.options.size) {
      let worker: Worker;
      try {
        worker = startWorker(this.options.workerModule ?? new URL('./analysis-worker.ts', import.meta.url));
      } catch (error) {
        this.workerFailed(null, error);
        continue;
      }
      const slot: Slot = { worker, ready: false, task: null };
      worker.on('message', (reply: WorkerReply) => this.receive(slot, reply));
      worker.on('error', (error) => this.workerFailed(slot, error));
      worker.on('exit', (code) => {
        if (this.slots.includes(slot)) this.workerFailed(slot, new Error(`analysis worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  /**
   * Workers hold the process open only while there is work: a busy worker, or one still starting
   * with jobs waiting for it (a console session ends its input before the analysis starts).
   */
  private updateRefs(): void {
    for (const slot of this.slots) {
      if (slot.task !== null || (!slot.ready && this.waiting.length > 0)) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  private dispatch(): void {
    if (!this.usingWorkers) {
      // Threads are out: whatever waits runs here, in order.
      for (const task of this.waiting.splice(0)) this.inProcess(task.job).then(task.resolve, task.reject);
      return;
    }
    for (const slot of this.slots) {
      if (!slot.ready || slot.task !== null) continue;
      const task = this.waiting.shift();
      if (!task) break;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, job: task.job } satisfies WorkerRequest);
    }
    this.updateRefs();
  }

  private receive(slot: Slot, reply: WorkerReply): void {
    if (reply.kind === 'ready') {
      slot.ready = true;
      this.dispatch();
      return;
    }
    const task = slot.task;
    if (!task || task.id !== reply.id) return;
    slot.task = null;
    if (reply.kind === 'done') task.resolve(reviveAnalysis(reply.analysis as Analysis));
    else task.reject(errorFromRecord(reply.error));
    this.dispatch();
  }

  /**
   * A worker that failed to start or died: drop it and re-queue its job. Failures add up over the
   * pool's life (a job that kills every worker must not loop), and past the limit jobs run in-process.
   */
  private workerFailed(slot: Slot | null, error: unknown): void {
    if (slot) {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      void slot.worker.terminate();
      if (slot.task) this.waiting.unshift(slot.task);
    }
    this.failures += 1;
    this.options.log.warn({ err: errorSummary(error), failures: this.failures }, this.usingWorkers ? 'Analysis worker failed; starting another' : 'Analysis workers unavailable; analysing in-process');
    if (this.closed) return;
    this.grow();
    this.dispatch();
  }
}

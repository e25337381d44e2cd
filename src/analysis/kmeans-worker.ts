import { parentPort } from 'node:worker_threads';
import { runStart, type StartSpec } from './kmeans-start.js';

/** One K-Means start to run: the rows live in shared memory, so posting this copies nothing big. */
export interface StartTask {
  readonly task: number;
  readonly data: Float64Array;
  readonly spec: StartSpec;
  readonly seed: number;
}

export interface StartOutcome {
  readonly task: number;
  readonly labels: Int32Array;
  readonly centroids: Float64Array;
  readonly inertia: number;
  readonly iterations: number;
}

export interface StartFailure {
  readonly task: number;
  readonly error: string;
}

const port = parentPort;
if (port === null) throw new Error('kmeans-worker must run in a worker thread');
port.on('message', (message: StartTask) => {
  try {
    const result = runStart(message.data, message.spec, message.seed);
    const outcome: StartOutcome = { task: message.task, ...result };
    port.postMessage(outcome, [result.labels.buffer as ArrayBuffer, result.centroids.buffer as ArrayBuffer]);
  } catch (error) {
    const failure: StartFailure = { task: message.task, error: error instanceof Error ? error.message : String(error) };
    port.postMessage(failure);
  }
});

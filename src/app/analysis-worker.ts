import { parentPort } from 'node:worker_threads';
import { errorRecord, type ErrorRecord } from '../common/errors.js';
import { runAnalysis, type AnalysisJob } from './analysis-job.js';

/** A job sent to an analysis worker. */
export interface WorkerRequest {
  readonly id: number;
  readonly job: AnalysisJob;
}

/** What a worker sends back: 'ready' once its modules are loaded, then one reply per request. */
export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly analysis: unknown }
  | { readonly kind: 'failed'; readonly id: number; readonly error: ErrorRecord };

const port = parentPort;
if (port === null) throw new Error('analysis-worker must run in a worker thread');

port.on('message', (request: WorkerRequest) => {
  runAnalysis(request.job).then(
    (analysis) => port.postMessage({ kind: 'done', id: request.id, analysis } satisfies WorkerReply),
    (error: unknown) => port.postMessage({ kind: 'failed', id: request.id, error: errorRecord(error) } satisfies WorkerReply),
  );
});
port.postMessage({ kind: 'ready' } satisfies WorkerReply);

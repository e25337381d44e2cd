import { parentPort } from 'node:worker_threads';
import { InputError } from '../common/errors.js';
import { runAnalysis, type AnalysisJob } from './run-analysis.js';

/** A job sent to an analysis worker. */
export interface WorkerRequest {
  readonly id: number;
  readonly job: AnalysisJob;
}

/** What a worker sends back: 'ready' once its modules are loaded, then one reply per request. */
export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly analysis: unknown }
  | { readonly kind: 'failed'; readonly id: number; readonly name: string; readonly message: string; readonly inputCode: string | null };

const port = parentPort;
if (port === null) throw new Error('analysis-worker must run in a worker thread');

port.on('message', (request: WorkerRequest) => {
  runAnalysis(request.job).then(
    (analysis) => port.postMessage({ kind: 'done', id: request.id, analysis } satisfies WorkerReply),
    (error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      const inputCode = error instanceof InputError ? error.code : null;
      port.postMessage({ kind: 'failed', id: request.id, name: failure.name, message: failure.message, inputCode } satisfies WorkerReply);
    },
  );
});
port.postMessage({ kind: 'ready' } satisfies WorkerReply);

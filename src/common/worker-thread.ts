import { Worker } from 'node:worker_threads';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** A worker thread running the TypeScript module at `module` (resolve it with `new URL('./x.ts', import.meta.url)`). */
export function startWorker(module: URL): Worker {
  return new Worker(ENTRY, { workerData: { module: module.href } });
}

import { Worker } from 'node:worker_threads';

/** Set when this code runs compiled (dist/*.js), where workers load JavaScript directly. */
const COMPILED = import.meta.url.endsWith('.js');
const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/**
 * A worker thread running the TypeScript module at `module` (resolve it with
 * `new URL('./x.ts', import.meta.url)`): through tsx from the sources, or its compiled .js twin.
 */
export function startWorker(module: URL): Worker {
  if (COMPILED) return new Worker(new URL(module.href.replace(/\.ts$/, '.js')));
  return new Worker(ENTRY, { workerData: { module: module.href } });
}

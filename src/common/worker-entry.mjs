// The one entry for every worker thread (K-Means starts, whole analyses). Node 20 does not apply
// the parent's TypeScript loader (tsx) to worker threads, so this plain-JavaScript entry registers
// tsx in the worker, then loads the TypeScript module named in `workerData.module` (a file URL).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);

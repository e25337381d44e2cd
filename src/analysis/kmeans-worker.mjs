// Worker entry for K-Means starts. Node 20 does not apply the parent's TypeScript loader (tsx) to
// worker threads, so this plain-JavaScript entry registers tsx in the worker, then loads the
// TypeScript worker module.
import { register } from 'tsx/esm/api';

register();
await import('./kmeans/worker.ts');

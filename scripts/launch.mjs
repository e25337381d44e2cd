// Runs Segment Analyst (src/main.ts with the arguments given): the compiled copy in dist/ when it
// is at least as new as every source file (`npm ci` builds it, `npm run build` rebuilds it), else
// the TypeScript itself through tsx. The compiled copy starts in a fraction of the time, and so do
// its worker threads; after an edit the sources run until the next build, so nothing stale runs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The module to run from the checkout at `root`: dist/main.js when it is current, else src/main.ts. */
export function entryFor(root) {
  const compiled = join(root, 'dist', 'main.js');
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= newestSource(join(root, 'src'))) return compiled;
  return join(root, 'src', 'main.ts');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const entry = entryFor(fileURLToPath(new URL('..', import.meta.url)));
  if (entry.endsWith('.ts')) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  await import(pathToFileURL(entry).href);
}

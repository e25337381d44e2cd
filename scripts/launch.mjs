// Runs Segment Analyst (src/main.ts with the arguments given): the compiled copy in dist/ when it
// is at least as new as every source file (`npm ci` builds it, `npm run build` rebuilds it), else
// the TypeScript itself through tsx. The compiled copy starts in a fraction of the time, and so do
// its worker threads; after an edit the sources run until the next build, so nothing stale runs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = join(root, 'dist', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

if (existsSync(compiled) && statSync(compiled).mtimeMs >= newestSource(join(root, 'src'))) {
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(join(root, 'src', 'main.ts'));
}

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The one-way layering of src/ (README, "How it works"):
 *   common <- data <- analysis <- charts <- tools <- llm <- app <- {slack, console, cli} <- main.ts
 * `store` sits beside `app`: it may use common, data and analysis, and app uses it. So does
 * `warehouse` (K-Means pushed down to SQL engines). `config.ts`
 * (the environment, read once) sits just below app. The surfaces never import each other. A file may import its own layer and any layer it is allowed to see.
 */
const SEES: Readonly<Record<string, readonly string[]>> = {
  common: [],
  data: ['common'],
  analysis: ['common', 'data'],
  charts: ['common', 'data', 'analysis'],
  tools: ['common', 'data', 'analysis', 'charts'],
  llm: ['common', 'data', 'analysis', 'charts', 'tools'],
  store: ['common', 'data', 'analysis'],
  warehouse: ['common', 'data', 'analysis'],
  app: ['common', 'data', 'analysis', 'charts', 'tools', 'llm', 'store', 'warehouse', 'config'],
  config: ['common', 'data', 'analysis', 'charts', 'tools', 'llm'],
  slack: ['common', 'data', 'analysis', 'charts', 'tools', 'llm', 'store', 'app', 'config'],
  console: ['common', 'data', 'analysis', 'charts', 'tools', 'llm', 'store', 'app', 'config'],
  cli: ['common', 'data', 'analysis', 'charts', 'tools', 'llm', 'store', 'app', 'config'],
  main: ['common', 'data', 'analysis', 'charts', 'tools', 'llm', 'store', 'warehouse', 'app', 'config', 'slack', 'console', 'cli', 'log'],
  log: [],
};

const SRC = fileURLToPath(new URL('./', import.meta.url));

/** The layer of a file under src/: its top folder, or config / log / main for the top-level files. */
function layerOf(path: string): string {
  const [first, second] = relative(SRC, path).split(/[\\/]/);
  return second === undefined ? first.replace(/\.(ts|js|mjs)$/, '') : first;
}

const IMPORT = /(?:from\s+|import\s*\(\s*|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

interface Violation {
  readonly file: string;
  readonly imports: string;
  readonly rule: string;
}

/** Every relative import in `source` (of the file at `path`) that its layer may not make. */
function violations(path: string, source: string): Violation[] {
  const from = layerOf(path);
  const allowed = SEES[from];
  const found: Violation[] = [];
  if (allowed === undefined) return [{ file: relative(SRC, path), imports: '-', rule: `"${from}" is not a known layer; add it to SEES` }];
  for (const match of source.matchAll(IMPORT)) {
    const target = resolve(dirname(path), match[1]);
    if (!target.startsWith(SRC)) continue;
    const to = layerOf(target);
    if (to === from || allowed.includes(to)) continue;
    found.push({ file: relative(SRC, path), imports: relative(SRC, target), rule: `${from} may not import ${to}` });
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('layers of src/', () => {
  it('every import points down the layering or stays in its own layer, and surfaces never import each other', () => {
    const all = sourceFiles(SRC).flatMap((path) => violations(path, readFileSync(path, 'utf8')));
    expect(all).toEqual([]);
  });

  it('the check catches an upward import, a sibling surface and a lazy import', () => {
    expect(violations(join(SRC, 'data', 'x.ts'), "import { a } from '../analysis/pipeline.js';")).toEqual([
      { file: 'data/x.ts', imports: 'analysis/pipeline.js', rule: 'data may not import analysis' },
    ]);
    expect(violations(join(SRC, 'console', 'x.ts'), "import type { A } from '../slack/app.js';")).toHaveLength(1);
    expect(violations(join(SRC, 'tools', 'x.ts'), "const m = await import('../llm/ask.js');")).toHaveLength(1);
    expect(violations(join(SRC, 'store', 'x.ts'), "import { Uploads } from '../app/uploads.js';")).toHaveLength(1);
    expect(violations(join(SRC, 'app', 'x.ts'), "import { ChannelStore } from '../store/channel-store.js';")).toEqual([]);
  });
});

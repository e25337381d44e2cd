import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MODULE = fileURLToPath(new URL('./collect-garbage.ts', import.meta.url));

/**
 * In a fresh process: drops 25 arrays of 8 MB, calls collectGarbage and reports, once the
 * finalization callbacks have come (a collection really took them), how many were collected.
 */
async function dropAndCollect(nodeFlags: readonly string[]): Promise<string> {
  const script = `
    const { collectGarbage } = await import(${JSON.stringify(MODULE)});
    let collected = 0;
    const done = new Promise((resolve) => {
      const registry = new FinalizationRegistry(() => { if (++collected === 25) resolve(); });
      globalThis.registry = registry;
    });
    (() => { for (let i = 0; i < 25; i++) registry.register(new Float64Array(1_000_000).fill(1), i); })();
    collectGarbage();
    if (typeof gc === 'function') await done;
    console.log(JSON.stringify({ collected }));`;
  const { stdout } = await run(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script]);
  return stdout.trim();
}

describe('collecting garbage between the steps of a big command', () => {
  it('collects dropped arrays at once when the process allows it (--expose-gc)', async () => {
    expect(await dropAndCollect(['--expose-gc'])).toBe('{"collected":25}');
  });

  it('does nothing, and throws nothing, without --expose-gc', async () => {
    expect(await dropAndCollect([])).toBe('{"collected":0}');
  });
});

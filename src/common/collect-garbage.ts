/**
 * A full garbage collection now, when the process was started with `--expose-gc` (`npm run cli`
 * is); otherwise nothing. For the moment a one-shot command has just dropped far more than it
 * will allocate next: after cleaning a million-row file, its text and columns (some 250 MB) are
 * garbage, and with little new allocation while the K-Means workers run, V8 kept them until the
 * command ended, adding a third to its peak memory on some runs and not others.
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

/**
 * One in-memory result per key (a channel's dataset), remembered with the fingerprint of what
 * produced it (the settings): a question reuses the analysis while nothing changed, and
 * concurrent requests share one computation. Bounded: the least recently used entry is dropped
 * first, and can always be recomputed from the stored CSV.
 */
export class AnalysisCache<Value> {
  private readonly entries = new Map<string, { fingerprint: string; value: Promise<Value> }>();

  constructor(private readonly capacity = 32) {}

  get(key: string, fingerprint: string, compute: () => Promise<Value>): Promise<Value> {
    const hit = this.entries.get(key);
    if (hit && hit.fingerprint === fingerprint) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const value = compute();
    const entry = { fingerprint, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  /** Forget every entry whose key matches (a channel reset). */
  deleteWhere(matches: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (matches(key)) this.entries.delete(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

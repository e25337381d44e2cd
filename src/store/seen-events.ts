import { z } from 'zod';
import type { SeenEventLog } from './channel-store.js';
import { readCheckedJson, writeCheckedJson, type StoreLogger } from './checked-file.js';

const SeenEventsFileSchema = z.object({ version: z.literal(1), ids: z.array(z.string()) });

/**
 * The event ids already handled, newest last, bounded (least recently seen forgotten first).
 * Slack re-sends an event it thinks was not acknowledged; checking here first means a retry
 * never runs an analysis twice. Saved to disk in the background so a retry that arrives
 * after a restart is recognised too.
 */
export class SeenEvents implements SeenEventLog {
  private readonly ids = new Map<string, true>();
  /** Short-window offers by id: when each was last accepted. Kept in memory: a window is seconds long. */
  private readonly windows = new Map<string, number>();
  private writing: Promise<void> | null = null;
  private dirty = false;

  constructor(
    private readonly path: string | null,
    private readonly log: StoreLogger,
    private readonly capacity = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<this> {
    if (this.path === null) return this;
    const stored = await readCheckedJson(this.path, SeenEventsFileSchema, this.log);
    for (const id of stored?.ids.slice(-this.capacity) ?? []) this.ids.set(id, true);
    return this;
  }

  /** True the first time `id` is offered, false for every repeat. Decided before any await, so concurrent retries cannot both win. */
  firstTime(id: string): Promise<boolean> {
    if (this.ids.has(id)) {
      this.ids.delete(id);
      this.ids.set(id, true);
      return Promise.resolve(false);
    }
    this.ids.set(id, true);
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.keys().next().value;
      if (oldest === undefined) break;
      this.ids.delete(oldest);
    }
    this.scheduleSave();
    return Promise.resolve(true);
  }

  firstWithin(id: string, windowMs: number): Promise<boolean> {
    const now = this.now();
    for (const [seen, at] of this.windows) if (now - at >= windowMs) this.windows.delete(seen);
    if (this.windows.has(id)) return Promise.resolve(false);
    this.windows.set(id, now);
    return Promise.resolve(true);
  }

  /** Wait for pending saves (used on shutdown). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private scheduleSave(): void {
    if (this.path === null) return;
    this.dirty = true;
    if (this.writing) return;
    const path = this.path;
    this.writing = (async () => {
      while (this.dirty) {
        this.dirty = false;
        try {
          await writeCheckedJson(path, { version: 1, ids: [...this.ids.keys()] });
        } catch (error) {
          this.log.warn({ err: error, file: path }, 'Could not save the seen-event list');
        }
      }
    })().finally(() => {
      this.writing = null;
    });
  }
}

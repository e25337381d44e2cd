import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { AuditEntry, AuditTrail } from './channel-store.js';
import type { StoreLogger } from './checked-file.js';

const AuditLineSchema = z.object({
  at: z.string(),
  teamId: z.string(),
  channelId: z.string(),
  userId: z.string().nullable(),
  action: z.enum(['upload', 'question', 'export', 'reset', 'settings']),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});

/**
 * The audit trail of the embedded mode: one JSON object per line in DATA_DIR/audit.jsonl,
 * appended (never rewritten). A damaged line is skipped and logged, never fatal.
 */
export class FileAuditTrail implements AuditTrail {
  private appending: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly log: StoreLogger,
  ) {}

  record(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    const line = `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`;
    const next = this.appending.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, line);
    });
    this.appending = next.catch(() => undefined);
    return next;
  }

  async recent(teamId: string, limit: number): Promise<AuditEntry[]> {
    await this.appending;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: AuditEntry[] = [];
    let damaged = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let parsed: AuditEntry | null = null;
      try {
        const result = AuditLineSchema.safeParse(JSON.parse(line));
        if (result.success) parsed = result.data;
      } catch {
        parsed = null;
      }
      if (parsed === null) damaged += 1;
      else if (parsed.teamId === teamId) entries.push(parsed);
    }
    if (damaged > 0) this.log.warn({ file: this.path, lines: damaged }, 'Damaged audit lines skipped');
    return entries.reverse().slice(0, limit);
  }
}

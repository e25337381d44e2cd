import { createHash } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import type { z } from 'zod';
import type { Logger } from '../common/logger.js';
import { writeFileAtomic } from './atomic.js';

/** What the store needs from the app's logger. */
export type StoreLogger = Pick<Logger, 'warn'>;

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * JSON files carry their own checksum on the first line, so a torn or edited file is detected
 * on read instead of being trusted; the zod schema then checks the shape.
 */
export async function writeCheckedJson(path: string, value: unknown): Promise<void> {
  const body = JSON.stringify(value, null, 2);
  await writeFileAtomic(path, `sha256:${sha256(body)}\n${body}\n`);
}

/**
 * Read a file written by writeCheckedJson. Missing -> null. Corrupted (bad checksum, bad JSON,
 * wrong shape) -> logged, renamed to `<name>.corrupt-<timestamp>` so nothing is lost, and null:
 * a damaged file costs the user one re-upload, never a crash.
 */
export async function readCheckedJson<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
  log: StoreLogger,
): Promise<z.output<Schema> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const problem = checkedBodyProblem(text);
  if (problem.kind === 'ok') {
    const parsed = schema.safeParse(problem.value);
    if (parsed.success) return parsed.data;
    await setAside(path, `it does not match the expected shape (${parsed.error.issues[0]?.message ?? 'invalid'})`, log);
    return null;
  }
  await setAside(path, problem.reason, log);
  return null;
}

type BodyCheck = { kind: 'ok'; value: unknown } | { kind: 'bad'; reason: string };

function checkedBodyProblem(text: string): BodyCheck {
  const newline = text.indexOf('\n');
  const header = newline < 0 ? text : text.slice(0, newline);
  if (!header.startsWith('sha256:')) return { kind: 'bad', reason: 'its checksum line is missing' };
  const body = text.slice(newline + 1).replace(/\n$/, '');
  if (sha256(body) !== header.slice('sha256:'.length)) return { kind: 'bad', reason: 'its checksum does not match' };
  try {
    return { kind: 'ok', value: JSON.parse(body) };
  } catch {
    return { kind: 'bad', reason: 'it is not valid JSON' };
  }
}

/** Move a damaged file out of the way, keeping it for inspection. */
export async function setAside(path: string, reason: string, log: StoreLogger): Promise<string> {
  const target = `${path}.corrupt-${Date.now()}`;
  try {
    await rename(path, target);
    log.warn({ file: path, setAsideAs: target, reason }, 'Corrupted state file set aside');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return target;
}

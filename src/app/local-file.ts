import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { InputError } from '../common/errors.js';
import type { IncomingFile } from './conversation.js';
import { tooLargeMessage } from './messages.js';

/** A file on this machine, described like a shared Slack file (its size checked before it is read). */
export function localFile(path: string, maxUploadBytes: number): IncomingFile {
  const absolute = resolve(path);
  return {
    name: basename(absolute),
    size: null,
    mimetype: null,
    filetype: null,
    download: () => readLocalFile(path, maxUploadBytes),
  };
}

/** The bytes of a local file, with one clear sentence for a missing file, a folder or one over the limit. */
export async function readLocalFile(path: string, maxBytes: number): Promise<Buffer> {
  const info = await stat(path).catch(() => {
    throw new InputError(`There is no file at ${path}; check the path and try again.`, 'no-file');
  });
  if (!info.isFile()) throw new InputError(`${path} is a folder, not a file; give the path of a CSV file.`, 'not-a-file');
  if (info.size > maxBytes) throw new InputError(tooLargeMessage(basename(path), maxBytes), 'file-too-large');
  return readFile(path);
}

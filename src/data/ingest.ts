/**
 * The one entry point from an uploaded file (CSV or Excel workbook) to a CleanTable: size limit,
 * decoding or unpacking, parsing, cleaning. Everything wrong with the file surfaces as an
 * InputError with one sentence for the user.
 */
import { readFile, stat } from 'node:fs/promises';
import { cleanTable } from './clean.js';
import { decodeInput } from './decode.js';
import { parseTable } from './parse.js';
import { customersFromTransactions } from './transactions.js';
import { isZip } from './zip-directory.js';
import { InputError } from '../common/errors.js';
import { IngestOptionsSchema, type CleanTable, type IngestOptions } from './schema.js';
import { formatBytes, quoteName } from './wording.js';

/** Parse and clean a CSV held in memory (bytes as uploaded, or already-decoded text). */
export function ingestCsv(input: Buffer | string, options: IngestOptions = {}): CleanTable {
  const settings = IngestOptionsSchema.parse(options);
  const bytes = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  requireSize(bytes, settings.limits.maxFileBytes);
  const decoded = decodeInput(input);
  const raw = parseTable(decoded.text, settings.limits);
  return cleanTable(customersFromTransactions(raw, settings.transactions, settings.limits), settings, decoded.notes);
}

/**
 * Parse and clean an uploaded file, CSV or .xlsx. The bytes decide, not the name: a workbook
 * renamed .csv is still read as one, and anything else goes through the CSV checks.
 */
export async function ingestBytes(bytes: Buffer, options: IngestOptions = {}): Promise<CleanTable> {
  const settings = IngestOptionsSchema.parse(options);
  if (!isZip(bytes)) {
    if (settings.sheet !== undefined) {
      throw new InputError('This file is not an Excel workbook, so it has no sheets to choose from; leave out the sheet.', 'not-a-workbook');
    }
    return ingestCsv(bytes, settings);
  }
  requireSize(bytes.length, settings.limits.maxFileBytes);
  // exceljs takes about 0.3 s to load: only workbooks pay for it.
  const { readWorkbook } = await import('./workbook.js');
  const raw = await readWorkbook(bytes, settings.limits, settings.sheet);
  return cleanTable(customersFromTransactions(raw, settings.transactions, settings.limits), settings);
}

/** Read a CSV or .xlsx file (its size is checked before reading) and ingest it. */
export async function ingestFile(path: string, options: IngestOptions = {}): Promise<CleanTable> {
  const settings = IngestOptionsSchema.parse(options);
  const info = await stat(path).catch((error: unknown) => {
    throw fileError(error, path);
  });
  if (!info.isFile()) throw new InputError('That path is a folder or device, not a file; give the path of a CSV file.', 'not-a-file');
  requireSize(info.size, settings.limits.maxFileBytes);
  const bytes = await readFile(path);
  return ingestBytes(bytes, settings);
}

function requireSize(bytes: number, limit: number): void {
  if (bytes <= limit) return;
  throw new InputError(
    `This file is ${formatBytes(bytes)}; the limit is ${formatBytes(limit)} (setting maxFileBytes), so upload fewer rows or only the columns you want segmented.`,
    'file-too-large',
  );
}

function fileError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const name = path.split(/[\\/]/).pop() ?? path;
  if (code === 'ENOENT') return new InputError(`There is no file named ${quoteName(name)} there; check the path.`, 'not-found');
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`The file ${quoteName(name)} cannot be read (permission denied).`, 'unreadable');
  return error;
}

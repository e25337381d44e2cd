/**
 * The one entry point from an uploaded file (CSV or Excel workbook) to a CleanTable: size limit,
 * decoding or unpacking, parsing, cleaning. Everything wrong with the file surfaces as an
 * InputError with one sentence for the user.
 */
import { readFile, stat } from 'node:fs/promises';
import { cleanTable, type IngestSettings } from './clean.js';
import { decodeInput, type DecodedText } from './decode.js';
import { parseTable, type RawTable } from './parse.js';
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
  return cleanText(decodeInput(input), settings);
}

/**
 * Parse and clean an uploaded file, CSV or .xlsx. The bytes decide, not the name: a workbook
 * renamed .csv is still read as one, and anything else goes through the CSV checks.
 */
export async function ingestBytes(bytes: Buffer, options: IngestOptions = {}): Promise<CleanTable> {
  const settings = IngestOptionsSchema.parse(options);
  return cleanUpload(await readUpload(bytes, settings), settings);
}

/** Read a CSV or .xlsx file (its size is checked before reading) and ingest it. */
export async function ingestFile(path: string, options: IngestOptions = {}): Promise<CleanTable> {
  const settings = IngestOptionsSchema.parse(options);
  const info = await stat(path).catch((error: unknown) => {
    throw fileError(error, path);
  });
  if (!info.isFile()) throw new InputError('That path is a folder or device, not a file; give the path of a CSV file.', 'not-a-file');
  requireSize(info.size, settings.limits.maxFileBytes);
  // The file's bytes are dropped once decoded (readUpload returns), before parsing allocates the columns.
  return cleanUpload(await readUpload(await readFile(path), settings), settings);
}

type Upload = { readonly kind: 'text'; readonly decoded: DecodedText } | { readonly kind: 'workbook'; readonly raw: RawTable };

/** An upload's bytes as decoded text, or as the chosen sheet of a workbook. */
async function readUpload(bytes: Buffer, settings: IngestSettings): Promise<Upload> {
  const workbook = isZip(bytes);
  if (!workbook && settings.sheet !== undefined) {
    throw new InputError('This file is not an Excel workbook, so it has no sheets to choose from; leave out the sheet.', 'not-a-workbook');
  }
  requireSize(bytes.length, settings.limits.maxFileBytes);
  if (!workbook) return { kind: 'text', decoded: decodeInput(bytes) };
  // exceljs takes about 0.3 s to load: only workbooks pay for it.
  const { readWorkbook } = await import('./workbook.js');
  return { kind: 'workbook', raw: await readWorkbook(bytes, settings.limits, settings.sheet) };
}

function cleanText(decoded: DecodedText, settings: IngestSettings): CleanTable {
  const raw = parseTable(decoded.text, settings.limits);
  return cleanTable(customersFromTransactions(raw, settings.transactions, settings.limits), settings, decoded.notes);
}

function cleanUpload(upload: Upload, settings: IngestSettings): CleanTable {
  if (upload.kind === 'text') return cleanText(upload.decoded, settings);
  return cleanTable(customersFromTransactions(upload.raw, settings.transactions, settings.limits), settings);
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

/**
 * Bytes -> text, refusing what is not a text table: spreadsheets and zips renamed to .csv, UTF-16
 * exports, binary files. Invalid UTF-8 is read as Latin-1 instead of failing (old Windows exports).
 */
import { isUtf8 } from 'node:buffer';
import { InputError } from '../common/errors.js';

export interface DecodedText {
  readonly text: string;
  readonly notes: readonly string[];
}

/** Bytes of the start of the file inspected for control characters and UTF-16 patterns. */
const SNIFF_BYTES = 64 * 1024;
/** More control characters than this share of the sniffed start means the file is not text. */
const MAX_CONTROL_SHARE = 0.01;

/** The stream name an encrypted Office file's container holds (UTF-16 in the directory). */
const ENCRYPTION_STREAM = Buffer.from('EncryptionInfo', 'utf16le');

const CSV_ADVICE = 'export the table as CSV (comma-separated values) and upload that';

export function decodeInput(input: Buffer | string): DecodedText {
  if (typeof input === 'string') return decodeString(input);
  const bytes = input;
  if (bytes.length === 0 || isBlank(bytes)) throw emptyFile();
  rejectKnownFormats(bytes);
  if (bytes.indexOf(0) !== -1) throw binaryFile();
  rejectControlCharacters(bytes.subarray(0, SNIFF_BYTES), (i) => bytes[i]);

  let text: string;
  const notes: string[] = [];
  if (isUtf8(bytes)) {
    text = bytes.toString('utf8');
  } else {
    text = bytes.toString('latin1');
    notes.push(
      'The file is not valid UTF-8, so it was read as Latin-1 (Western European); check that accented names look right.',
    );
  }
  return { text: stripBom(text), notes };
}

function decodeString(input: string): DecodedText {
  const text = stripBom(input);
  if (text.trim().length === 0) throw emptyFile();
  if (text.startsWith('PK\u0003\u0004') || text.startsWith('PK\u0005\u0006')) throw zipFile();
  if (text.indexOf('\u0000') !== -1) throw binaryFile();
  const sniffLength = Math.min(text.length, SNIFF_BYTES);
  rejectControlCharacters({ length: sniffLength }, (i) => text.charCodeAt(i));
  return { text, notes: [] };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isBlank(bytes: Buffer): boolean {
  const limit = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < limit; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  }
  return bytes.length <= SNIFF_BYTES || bytes.toString('latin1').trim().length === 0;
}

function rejectKnownFormats(bytes: Buffer): void {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0x50 && b1 === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06)) {
    throw zipFile();
  }
  if (b0 === 0xd0 && b1 === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    // Excel saves a password-protected .xlsx inside the same container as an old .xls.
    if (bytes.includes(ENCRYPTION_STREAM)) {
      throw new InputError(
        'This workbook is protected with a password, so it cannot be read; open it in Excel, remove the password (File > Info > Protect Workbook) and upload it again.',
        'password-protected',
      );
    }
    throw new InputError(
      'This looks like an old Excel (.xls) workbook, which cannot be read; open it in Excel or Sheets and save it as .xlsx or CSV, then upload that.',
      'excel',
    );
  }
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff) || looksLikeUtf16(bytes)) {
    throw new InputError(
      'This file is saved as UTF-16 text; save it again as "CSV UTF-8 (comma delimited)" and upload that.',
      'utf16',
    );
  }
  if (b0 === 0x1f && b1 === 0x8b) {
    throw new InputError(`This looks like a compressed (gzip) file; uncompress it or ${CSV_ADVICE}.`, 'binary');
  }
}

/** UTF-16 without a byte-order mark: ASCII text with a zero byte in every other position. */
function looksLikeUtf16(bytes: Buffer): boolean {
  const limit = Math.min(bytes.length, 4096) & ~1;
  if (limit < 4) return false;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < limit; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = limit / 2;
  return Math.max(evenZeros, oddZeros) > 0.4 * pairs && Math.min(evenZeros, oddZeros) < 0.05 * pairs;
}

function rejectControlCharacters(sample: { length: number }, codeAt: (i: number) => number): void {
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = codeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) controls++;
  }
  if (controls >= 4 && controls > MAX_CONTROL_SHARE * sample.length) throw binaryFile();
}

function emptyFile(): InputError {
  return new InputError('The file is empty; upload a CSV with a header row and one row per customer.', 'empty');
}

function zipFile(): InputError {
  return new InputError(`This looks like an Excel workbook or a zip file, not a CSV file; ${CSV_ADVICE}.`, 'zip');
}

function binaryFile(): InputError {
  return new InputError(`This file contains binary data, not text; ${CSV_ADVICE}.`, 'binary');
}

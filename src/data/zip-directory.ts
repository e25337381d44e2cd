/**
 * The table of contents of a zip file (an .xlsx is one), read from its central directory without
 * decompressing anything, so a workbook's limits can be checked before the expensive parse.
 */
import { inflateRawSync, constants } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  readonly compressedSize: number;
  /** As declared by the file; `inflatedSize` measures it for real. */
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const MAX_END_SEARCH = 22 + 0xffff;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && (bytes[3] === 0x04 || bytes[3] === 0x06);
}

/** The entries of the central directory, or null when the bytes are not a readable zip. */
export function zipEntries(bytes: Buffer): ZipEntry[] | null {
  const end = findEndRecord(bytes);
  if (end === -1) return null;
  const count = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== DIRECTORY_ENTRY) return null;
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    if (offset + 46 + nameLength > bytes.length) return null;
    entries.push({
      name: bytes.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: bytes.readUInt16LE(offset + 10),
      compressedSize: bytes.readUInt32LE(offset + 20),
      uncompressedSize: bytes.readUInt32LE(offset + 24),
      localHeaderOffset: bytes.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndRecord(bytes: Buffer): number {
  const stop = Math.max(0, bytes.length - MAX_END_SEARCH);
  for (let i = bytes.length - 22; i >= stop; i--) {
    if (bytes.readUInt32LE(i) === END_OF_DIRECTORY) return i;
  }
  return -1;
}

/** The entry's compressed bytes, or null when its local header is out of place. */
function entryData(bytes: Buffer, entry: ZipEntry): Buffer | null {
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL_HEADER) return null;
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  if (start + entry.compressedSize > bytes.length) return null;
  return bytes.subarray(start, start + entry.compressedSize);
}

/**
 * The entry's real size once decompressed, measured with `limit` as the cap: a declared size can
 * lie (a zip bomb), the decompressed one cannot. Returns limit + 1 when it is larger, null when unreadable.
 */
export function inflatedSize(bytes: Buffer, entry: ZipEntry, limit: number): number | null {
  const data = entryData(bytes, entry);
  if (data === null) return null;
  if (entry.method === 0) return data.length;
  if (entry.method !== 8) return null;
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, limit) }).length;
  } catch (error) {
    if (error instanceof RangeError) return limit + 1;
    return null;
  }
}

/** The first bytes of a deflated entry as text (for a tag near its start), or '' when unreadable. */
export function entryStart(bytes: Buffer, entry: ZipEntry, compressedBytes: number): string {
  const data = entryData(bytes, entry);
  if (data === null) return '';
  if (entry.method === 0) return data.subarray(0, compressedBytes).toString('utf8');
  try {
    return inflateRawSync(data.subarray(0, compressedBytes), { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
  } catch {
    return '';
  }
}

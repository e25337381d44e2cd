import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '../common/errors.js';

/**
 * Encryption at rest for stored CSV bytes (DATA_KEY): AES-256-GCM with a fresh 96-bit IV per
 * write. The stored form is MAGIC | IV | tag | ciphertext. The authentication tag means a wrong
 * key (or altered bytes) is detected and reported, never decrypted into garbage.
 */
const MAGIC = Buffer.from('\0SAENC1\0', 'latin1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DataKeyError extends DomainError {
  override readonly name: string = 'DataKeyError';
}

export interface DatasetCipher {
  /** The bytes as stored: encrypted with a key, unchanged without one. */
  seal(plain: Uint8Array): Buffer;
  /** The plain bytes back; throws DataKeyError when they cannot be (no key, wrong key, altered). */
  open(stored: Uint8Array): Buffer;
}

/** `key` is the 32-byte DATA_KEY, or null to store bytes as they are. */
export function datasetCipher(key: Buffer | null): DatasetCipher {
  return {
    seal(plain) {
      if (key === null) return Buffer.from(plain);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
    },
    open(stored) {
      const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
      if (!isSealed(bytes)) return bytes;
      if (key === null) {
        throw new DataKeyError('The stored datasets are encrypted: set DATA_KEY to the key they were written with.', 'data-key-missing');
      }
      const iv = bytes.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
      const tag = bytes.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(bytes.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]);
      } catch {
        throw new DataKeyError(
          'A stored dataset cannot be decrypted with this DATA_KEY: it was written with another key (or altered). Set DATA_KEY to the original key.',
          'data-key-wrong',
        );
      }
    },
  };
}

function isSealed(bytes: Buffer): boolean {
  return bytes.length >= MAGIC.length + IV_BYTES + TAG_BYTES && bytes.subarray(0, MAGIC.length).equals(MAGIC);
}

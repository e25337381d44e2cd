/**
 * One error hierarchy for the whole product. Every error a person may see is a `DomainError`: its
 * `message` is the sentence shown to them (what is wrong and what to do), and its `code` is stable,
 * for logs, tests and the surfaces' branching. Anything that is not a DomainError is a bug: the
 * surfaces log it and show a generic apology instead of its text.
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  constructor(
    message: string,
    readonly code: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A problem with the user's file or request, worded for the user: what is wrong and what to send instead. */
export class InputError extends DomainError {
  override readonly name: string = 'InputError';
}

/** A setting (environment variable or command-line flag) that is missing or malformed. */
export class ConfigError extends DomainError {
  override readonly name: string = 'ConfigError';
  constructor(message: string, code = 'config') {
    super(message, code);
  }
}

/** More work than a named limit allows right now (a full analysis queue); trying again later helps. */
export class CapacityError extends DomainError {
  override readonly name: string = 'CapacityError';
}

/** The error as plain data, to cross a worker-thread boundary without losing its class or code. */
export interface ErrorRecord {
  readonly name: string;
  readonly message: string;
  /** The DomainError code, or null for an unexpected error. */
  readonly code: string | null;
}

export function errorRecord(error: unknown): ErrorRecord {
  if (error instanceof DomainError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message, code: null };
  return { name: 'Error', message: String(error), code: null };
}

const DOMAIN_CLASSES: Readonly<Record<string, new (message: string, code: string) => DomainError>> = {
  DomainError,
  InputError,
  ConfigError,
  CapacityError,
};

/** The error back from its record: the same DomainError class and code, or a plain Error with the original name. */
export function errorFromRecord(record: ErrorRecord): Error {
  if (record.code !== null) {
    const Class = DOMAIN_CLASSES[record.name] ?? DomainError;
    return new Class(record.message, record.code);
  }
  return Object.assign(new Error(record.message), { name: record.name });
}

/** An error for the logs: its name, code and message; never request bodies, tokens or rows. */
export function errorSummary(error: unknown): { name: string; message: string; code?: string } {
  const record = errorRecord(error);
  return record.code === null ? { name: record.name, message: record.message } : { name: record.name, message: record.message, code: record.code };
}

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LlmEnvSchema, loadLlmConfig, type LlmConfig } from './llm/config.js';
import { DEFAULT_MAX_QUEUED_ANALYSES } from './analysis/settings.js';
import { ConfigError } from './common/errors.js';

/*
 * The app's settings, read once from the environment at start-up and validated here, so a
 * missing or malformed variable stops start-up with one sentence instead of failing later.
 */

/** Slack's Web API base URL; the SDK appends method names to it, so it must end with '/'. */
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** `.env` files often carry `NAME=` lines: treat an empty value as unset. */
const optionalText = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.string().trim().optional(),
);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const isLogLevel = (value: string): value is LogLevel => (LOG_LEVELS as readonly string[]).includes(value);

export const SlackEnvSchema = z.object({
  SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || /^xox[bp]-\S+$/.test(v), {
    message:
      'Set SLACK_BOT_TOKEN to the Bot User OAuth Token (it starts with xoxb-) from OAuth & Permissions in your Slack app settings.',
  }),
  SLACK_SIGNING_SECRET: optionalText.refine((v) => v === undefined || /^\S{8,}$/.test(v), {
    message: 'Set SLACK_SIGNING_SECRET to the Signing Secret shown under Basic Information > App Credentials.',
  }),
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || /^xapp-\S+$/.test(v), {
    message:
      'Set SLACK_APP_TOKEN to an app-level token with the connections:write scope (it starts with xapp-), or leave it empty to receive events over HTTP.',
  }),
  SLACK_API_URL: optionalText.refine((v) => v === undefined || isHttpUrl(v), {
    message: 'Set SLACK_API_URL to an http(s) URL such as https://slack.com/api/, or leave it empty for Slack’s own.',
  }),
  PORT: optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) <= 65535), {
    message: 'Set PORT to a whole number between 0 and 65535 (default 3000).',
  }),
  DATA_DIR: optionalText,
  OUT_DIR: optionalText,
  MAX_UPLOAD_MB: optionalText.refine((v) => v === undefined || (/^\d+(\.\d+)?$/.test(v) && Number(v) > 0 && Number(v) <= 1024), {
    message: 'Set MAX_UPLOAD_MB to the largest CSV to accept, in megabytes, between 0 and 1024 (default 50).',
  }),
  LOG_LEVEL: optionalText.refine((v) => v === undefined || isLogLevel(v), {
    message: 'Set LOG_LEVEL to one of fatal, error, warn, info, debug, trace or silent (default info).',
  }),
  ANALYSIS_WORKERS: optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) <= 16), {
    message: 'Set ANALYSIS_WORKERS to the number of worker threads for analyses, a whole number from 0 (analyse in the main thread) to 16.',
  }),
  MAX_QUEUED_ANALYSES: optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 10_000), {
    message: 'Set MAX_QUEUED_ANALYSES to how many analyses may wait for a worker before uploads are refused, from 1 to 10000 (default 50).',
  }),
  DEBUG: optionalText,
  DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\/\S+$/.test(v), {
    message: 'Set DATABASE_URL to a PostgreSQL URL such as postgres://user:password@host:5432/database, or leave it empty to keep state in files under DATA_DIR.',
  }),
  DATABASE_SCHEMA: optionalText.refine((v) => v === undefined || /^[a-z_][a-z0-9_]{0,62}$/.test(v), {
    message: 'Set DATABASE_SCHEMA to a schema name of lower-case letters, digits and underscores (default segment_analyst).',
  }),
  DATABASE_POOL_SIZE: optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 100), {
    message: 'Set DATABASE_POOL_SIZE to the PostgreSQL connections per process, from 1 to 100 (default 10).',
  }),
  REDIS_URL: optionalText.refine((v) => v === undefined || /^rediss?:\/\/\S+$/.test(v), {
    message: 'Set REDIS_URL to a Redis URL such as redis://host:6379, or leave it empty to run analyses in this process.',
  }),
  QUEUE_PREFIX: optionalText.refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,64}$/.test(v), {
    message: 'Set QUEUE_PREFIX to letters, digits, "-" or "_" (at most 64; default segment-analyst): the Redis key prefix of the analysis queue.',
  }),
  WORKER_CONCURRENCY: optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 16), {
    message: 'Set WORKER_CONCURRENCY to the analyses one `npm run worker` process runs at once, from 1 to 16 (default 2).',
  }),
  JOB_LOCK_SECONDS: optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 3600), {
    message: 'Set JOB_LOCK_SECONDS to how long a silent worker keeps its analysis before another worker takes it over, from 1 to 3600 (default 30).',
  }),
  RETENTION_DAYS: optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 3650), {
    message: 'Set RETENTION_DAYS to how many days datasets, analyses and conversation turns are kept, from 1 to 3650 (default 30).',
  }),
  HISTORY_UPLOADS: optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 2 && Number(v) <= 120), {
    message: 'Set HISTORY_UPLOADS to how many uploads per channel `/segments history` remembers, from 2 to 120 (default 12).',
  }),
  DATA_KEY: optionalText.refine((v) => v === undefined || dataKeyBytes(v) !== null, {
    message: 'Set DATA_KEY to a 32-byte key as 64 hex characters or 44 base64 characters (for example `openssl rand -hex 32`), or leave it empty to store CSV files unencrypted.',
  }),
  SOURCES: optionalText,
  STATEMENT_TIMEOUT_SECONDS: optionalText.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 86_400), {
    message: 'Set STATEMENT_TIMEOUT_SECONDS to how long one query on a data source may run before the server stops it, from 1 to 86400 (default 300).',
  }),
});

/**
 * One data source an admin allows (SOURCES, a JSON array): a name people pick it by, a connection
 * URL (postgres://... or duckdb:path), and the tables it may analyse ("schema.table" or "schema.*").
 * The password is read from the environment variable or file named here, not written in the URL.
 */
export const SourceEntrySchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a source name is lower-case letters, digits, "-" or "_"'),
    url: z.string().regex(/^(postgres(ql)?:\/\/\S+|duckdb:\S+)$/, 'a source url is postgres://... or duckdb:path'),
    tables: z.array(z.string().regex(/^[^.\s]+\.[^.\s]+$/, 'a table is schema.table or schema.*')).min(1),
    passwordEnv: z.string().optional(),
    passwordFile: z.string().optional(),
  })
  .strict();

export interface SourceConfig {
  readonly name: string;
  /** The connection URL with the password put in; never logged. */
  readonly url: string;
  readonly tables: readonly string[];
}

/** SOURCES parsed, each password read from its variable or file; a ConfigError names what is wrong, never a secret. */
function loadSources(text: string | undefined, env: Readonly<Record<string, string | undefined>>): SourceConfig[] {
  if (text === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError('Set SOURCES to a JSON array of {"name", "url", "tables"} objects (see README, "Warehouse tables").');
  }
  const parsed = z.array(SourceEntrySchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`SOURCES entry ${String(issue?.path[0] ?? '')}: ${issue?.message ?? 'not valid'} (see README, "Warehouse tables").`);
  }
  return parsed.data.map((entry) => {
    let password: string | undefined;
    if (entry.passwordEnv !== undefined) password = env[entry.passwordEnv];
    if (entry.passwordFile !== undefined) {
      try {
        password = readFileSync(entry.passwordFile, 'utf8').trim();
      } catch {
        throw new ConfigError(`SOURCES entry "${entry.name}": its passwordFile cannot be read.`);
      }
    }
    if ((entry.passwordEnv !== undefined || entry.passwordFile !== undefined) && !password) {
      throw new ConfigError(`SOURCES entry "${entry.name}": its password variable or file is empty.`);
    }
    const url = password === undefined || !entry.url.startsWith('postgres') ? entry.url : withPassword(entry.url, password);
    return { name: entry.name, url, tables: entry.tables };
  });
}

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

/** The 32 bytes of a DATA_KEY given as hex or base64, or null when it is neither. */
function dataKeyBytes(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(value)) return Buffer.from(value, 'base64');
  return null;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** How the app talks to its users. */
export type RunMode =
  | { readonly kind: 'socket'; readonly botToken: string; readonly appToken: string; readonly signingSecret: string | null }
  | { readonly kind: 'http'; readonly botToken: string; readonly signingSecret: string; readonly port: number }
  | { readonly kind: 'console' };

/** Everything the app reads from the environment: its own variables and the model's. */
export const AppEnvSchema = SlackEnvSchema.extend(LlmEnvSchema.shape);

export interface AppConfig {
  readonly mode: RunMode;
  /** Always ends with '/'. */
  readonly slackApiUrl: string;
  readonly port: number;
  /** Per-channel datasets and conversation state. */
  readonly dataDir: string;
  /** Charts and reports written by the console and the demo. */
  readonly outDir: string;
  readonly maxUploadBytes: number;
  /** LOG_LEVEL, or null when unset (each entry point then picks its default). */
  readonly logLevel: LogLevel | null;
  /** Worker threads for analyses (ANALYSIS_WORKERS); default the CPU count, at most 4. */
  readonly analysisWorkers: number | undefined;
  /** Analyses allowed to wait for a worker (MAX_QUEUED_ANALYSES). */
  readonly maxQueuedAnalyses: number;
  /** DEBUG set: command-line errors print their stack trace. */
  readonly debug: boolean;
  /** The model settings, or null without OPENAI_API_KEY (the built-in router answers). */
  readonly llm: LlmConfig | null;
  /** PostgreSQL for all state (DATABASE_URL), or null for files under dataDir. */
  readonly database: DatabaseConfig | null;
  /** The BullMQ analysis queue on Redis (REDIS_URL), or null for the in-process worker pool. */
  readonly queue: QueueConfig | null;
  /** Days datasets, analyses and turns are kept (RETENTION_DAYS). */
  readonly retentionDays: number;
  /** Uploads per channel whose figures the history keeps (HISTORY_UPLOADS), within retention. */
  readonly historyUploads: number;
  /** DATA_KEY's 32 bytes: stored CSV bytes are encrypted with AES-256-GCM; null stores them plain. */
  readonly dataKey: Buffer | null;
  /** Tables an admin allows to be analysed where they live (SOURCES). */
  readonly sources: readonly SourceConfig[];
  /** Longest one query on a source may run (STATEMENT_TIMEOUT_SECONDS), in ms. */
  readonly statementTimeoutMs: number;
}

export interface DatabaseConfig {
  readonly url: string;
  readonly schema: string;
  readonly poolSize: number;
}

export interface QueueConfig {
  readonly url: string;
  /** Redis key prefix of the queue (QUEUE_PREFIX). */
  readonly prefix: string;
  /** Analyses one worker process runs at once (WORKER_CONCURRENCY). */
  readonly concurrency: number;
  /** A job whose worker stops renewing its lock this long is taken over (JOB_LOCK_SECONDS), in ms. */
  readonly lockMs: number;
}

/** Append the trailing '/' the Web API client expects before method names. */
export function normaliseApiUrl(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Read and validate the environment; throws ConfigError with one sentence saying what to set. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const parsed = AppEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues[0]?.message ?? 'The environment is not valid.');
  const values = parsed.data;
  const port = values.PORT === undefined ? 3000 : Number(values.PORT);
  if (values.REDIS_URL !== undefined && values.DATABASE_URL === undefined) {
    throw new ConfigError('Set DATABASE_URL too: with REDIS_URL, analysis workers read the uploaded datasets from PostgreSQL (or leave REDIS_URL empty to analyse in this process).');
  }
  return {
    mode: runMode(values, port),
    slackApiUrl: normaliseApiUrl(values.SLACK_API_URL ?? DEFAULT_SLACK_API_URL),
    port,
    dataDir: values.DATA_DIR ?? './var',
    outDir: values.OUT_DIR ?? './out',
    maxUploadBytes: Math.round((values.MAX_UPLOAD_MB === undefined ? 50 : Number(values.MAX_UPLOAD_MB)) * 1024 * 1024),
    logLevel: values.LOG_LEVEL !== undefined && isLogLevel(values.LOG_LEVEL) ? values.LOG_LEVEL : null,
    analysisWorkers: values.ANALYSIS_WORKERS === undefined ? undefined : Number(values.ANALYSIS_WORKERS),
    maxQueuedAnalyses: values.MAX_QUEUED_ANALYSES === undefined ? DEFAULT_MAX_QUEUED_ANALYSES : Number(values.MAX_QUEUED_ANALYSES),
    debug: values.DEBUG !== undefined,
    llm: loadLlmConfig(env),
    database:
      values.DATABASE_URL === undefined
        ? null
        : { url: values.DATABASE_URL, schema: values.DATABASE_SCHEMA ?? 'segment_analyst', poolSize: values.DATABASE_POOL_SIZE === undefined ? 10 : Number(values.DATABASE_POOL_SIZE) },
    queue:
      values.REDIS_URL === undefined
        ? null
        : {
            url: values.REDIS_URL,
            prefix: values.QUEUE_PREFIX ?? 'segment-analyst',
            concurrency: values.WORKER_CONCURRENCY === undefined ? 2 : Number(values.WORKER_CONCURRENCY),
            lockMs: (values.JOB_LOCK_SECONDS === undefined ? 30 : Number(values.JOB_LOCK_SECONDS)) * 1000,
          },
    retentionDays: values.RETENTION_DAYS === undefined ? 30 : Number(values.RETENTION_DAYS),
    historyUploads: values.HISTORY_UPLOADS === undefined ? 12 : Number(values.HISTORY_UPLOADS),
    dataKey: values.DATA_KEY === undefined ? null : dataKeyBytes(values.DATA_KEY),
    sources: loadSources(values.SOURCES, env),
    statementTimeoutMs: (values.STATEMENT_TIMEOUT_SECONDS === undefined ? 300 : Number(values.STATEMENT_TIMEOUT_SECONDS)) * 1000,
  };
}

function runMode(values: z.infer<typeof SlackEnvSchema>, port: number): RunMode {
  const { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_APP_TOKEN: appToken } = values;
  if (botToken === undefined) {
    if (signingSecret !== undefined || appToken !== undefined) {
      throw new ConfigError(
        'Set SLACK_BOT_TOKEN (OAuth & Permissions > Bot User OAuth Token), or remove SLACK_SIGNING_SECRET and SLACK_APP_TOKEN to use the local console.',
      );
    }
    return { kind: 'console' };
  }
  if (appToken !== undefined) return { kind: 'socket', botToken, appToken, signingSecret: signingSecret ?? null };
  if (signingSecret === undefined) {
    throw new ConfigError(
      'Set SLACK_SIGNING_SECRET (Basic Information > App Credentials) to receive events over HTTP, or set SLACK_APP_TOKEN to use Socket Mode.',
    );
  }
  return { kind: 'http', botToken, signingSecret, port };
}

/**
 * For entry points: the validated config, or null after writing the one-sentence reason to stderr
 * and setting exit code 1, so a misconfigured start stops without a stack trace.
 */
export function loadConfigOrExit(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig | null {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
    return null;
  }
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type Middleware, type AnyMiddlewareArgs, webApi } from '@slack/bolt';
import type { SegmentApp } from '../app/segment-app.js';
import { errorSummary } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { AppConfig, RunMode } from '../config.js';
import type { SeenEventLog } from '../store/channel-store.js';
import { boltLogger } from './bolt-logger.js';
import { registerListeners } from './listeners/index.js';
import type { ListenerDeps } from './listeners/route.js';
import { RATE_LIMIT_POLICY, rateLimitedFetch, type RateLimitPolicy } from './rate-limit.js';

export type SlackMode = Exclude<RunMode, { kind: 'console' }>;

export interface SlackAppDeps {
  readonly config: AppConfig;
  readonly mode: SlackMode;
  readonly app: SegmentApp;
  readonly log: Logger;
  /** Web API retries of 5xx and network errors; default WEB_API_RETRIES. */
  readonly retryConfig?: webApi.RetryOptions;
  /** How one rate-limited call is retried on its own; default RATE_LIMIT_POLICY. */
  readonly rateLimit?: RateLimitPolicy;
  /** Timing knobs of threads (status refresh, chart wait, update spacing); tests shorten them. */
  readonly thread?: ListenerDeps['thread'];
}

/**
 * Bounded: at most 3 retries, waiting 1 s, 2 s, 4 s, so a failing Slack
 * costs a reply seconds, not the half hour of the SDK's default policy.
 */
export const WEB_API_RETRIES: webApi.RetryOptions = { retries: 3, factor: 2, minTimeout: 1000, maxTimeout: 8000, randomize: true };

export interface RunningSlackApp {
  readonly app: App;
  /** The HTTP port listened on (null in Socket Mode). */
  readonly port: number | null;
  stop(): Promise<void>;
}

/**
 * The Bolt app: HTTP receiver at /slack/events (signature checked by Bolt, acknowledged before
 * any work since processBeforeResponse is false) or Socket Mode, the Web API client pointed at
 * SLACK_API_URL, event de-duplication, and the listeners.
 */
export function createSlackApp(deps: SlackAppDeps): App {
  const { config, mode, log } = deps;
  const common = {
    token: mode.botToken,
    logger: boltLogger(log),
    ignoreSelf: true,
    clientOptions: {
      slackApiUrl: config.slackApiUrl,
      retryConfig: deps.retryConfig ?? WEB_API_RETRIES,
      // A 429 fails only its own call, after rateLimitedFetch has retried it; other conversations keep moving.
      rejectRateLimitedCalls: true,
      fetch: rateLimitedFetch(deps.rateLimit ?? RATE_LIMIT_POLICY, log),
      timeout: 30_000,
    },
  };
  const app =
    mode.kind === 'socket'
      ? new App({ ...common, appToken: mode.appToken, socketMode: true })
      : new App({
          ...common,
          signingSecret: mode.signingSecret,
          endpoints: '/slack/events',
          processBeforeResponse: false,
          customRoutes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => res.writeHead(200).end('ok') }],
        });
  app.use(ignoreRepeatedEvents(deps.app.seenEvents, log));
  registerListeners(app, {
    app: deps.app,
    files: { botToken: mode.botToken, slackApiUrl: config.slackApiUrl, maxUploadBytes: config.maxUploadBytes },
    log,
    thread: deps.thread,
  });
  app.error(async (error) => {
    log.error({ err: errorSummary(error) }, 'Unhandled error in a Slack listener');
  });
  return app;
}

/**
 * Slack re-sends an event it did not see acknowledged within 3 seconds (x-slack-retry-num).
 * Events are acknowledged before this runs; a repeated event id stops here, so the work runs once.
 */
function ignoreRepeatedEvents(seen: SeenEventLog, log: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await seen.firstTime(eventId))) {
      log.info({ eventId, retryNum: context.retryNum ?? null, retryReason: context.retryReason ?? null }, 'Repeated event ignored');
      return;
    }
    await next();
  };
}

/** Start the app; `port` overrides the configured one (0 lets the OS choose, for tests). */
export async function startSlackApp(deps: SlackAppDeps, port?: number): Promise<RunningSlackApp> {
  const app = createSlackApp(deps);
  const stop = async (): Promise<void> => {
    try {
      await app.stop();
    } finally {
      await deps.app.close();
    }
  };
  if (deps.mode.kind === 'socket') {
    await app.start();
    return { app, port: null, stop };
  }
  const server = (await app.start(port ?? deps.mode.port)) as Server;
  return { app, port: (server.address() as AddressInfo).port, stop };
}

import type { webApi } from '@slack/bolt';
import type { Logger } from '../common/logger.js';

export interface RateLimitPolicy {
  /** Retries of one rate-limited call before it fails on its own. */
  readonly retries: number;
  /** Longest wait honoured for one Retry-After; a longer one fails the call at once. */
  readonly maxWaitMs: number;
}

/** Three tries after the first, each waiting Slack's Retry-After (up to 30 s). */
export const RATE_LIMIT_POLICY: RateLimitPolicy = { retries: 3, maxWaitMs: 30_000 };

/**
 * A fetch for the Web API client that waits out a 429 for that one call and tries it again
 * (https://docs.slack.dev/apis/web-api/rate-limits). With `rejectRateLimitedCalls: true` the SDK
 * would otherwise fail the call, and with `false` it pauses every call of the client, stalling
 * all conversations for one busy method.
 */
export function rateLimitedFetch(
  policy: RateLimitPolicy,
  log: Logger,
  base: webApi.FetchFunction = globalThis.fetch as webApi.FetchFunction,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): webApi.FetchFunction {
  return async (url, init) => {
    for (let attempt = 0; ; attempt++) {
      const response = await base(url, init);
      if (response.status !== 429 || attempt >= policy.retries) return response;
      const waitMs = Math.max(0, Number(response.headers.get('retry-after') ?? '1')) * 1000;
      if (!Number.isFinite(waitMs) || waitMs > policy.maxWaitMs) return response;
      log.info({ method: methodOf(url), waitMs, attempt: attempt + 1 }, 'Slack rate-limited a call; retrying it alone');
      await response.arrayBuffer().catch(() => undefined);
      await sleep(waitMs);
    }
  };
}

function methodOf(url: string | URL): string {
  const path = typeof url === 'string' ? url : url.pathname;
  return path.split('/').pop() ?? 'unknown';
}

import type { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { rateLimitedFetch } from './rate-limit.js';

/**
 * Slack answers a rate-limited call with HTTP 429 and Retry-After seconds
 * (https://docs.slack.dev/apis/web-api/rate-limits). One busy method must cost only its own call.
 */

function response(status: number, retryAfter?: string): Awaited<ReturnType<webApi.FetchFunction>> {
  return {
    ok: status < 400,
    status,
    statusText: String(status),
    url: '',
    headers: { get: (name: string) => (name.toLowerCase() === 'retry-after' ? (retryAfter ?? null) : null), entries: () => [] },
    arrayBuffer: async () => new ArrayBuffer(0),
    json: async () => ({ ok: status < 400 }),
    text: async () => '',
  };
}

describe('rateLimitedFetch', () => {
  it('retries a 429 after its Retry-After, while other calls go straight through', async () => {
    const sent: string[] = [];
    let postMessageAttempts = 0;
    let releaseWait: () => void = () => {};
    const waits: number[] = [];
    const base: webApi.FetchFunction = async (url) => {
      const method = String(url).split('/').pop() ?? '';
      sent.push(method);
      if (method === 'chat.postMessage' && postMessageAttempts++ === 0) return response(429, '2');
      return response(200);
    };
    const fetch = rateLimitedFetch({ retries: 3, maxWaitMs: 30_000 }, silentLogger, base, (ms) => {
      waits.push(ms);
      return new Promise<void>((resolve) => (releaseWait = resolve));
    });
    const limited = fetch('https://slack.com/api/chat.postMessage');
    await new Promise((resolve) => setImmediate(resolve));
    expect(waits).toEqual([2000]);
    // While the limited call waits, another conversation's call is not held back.
    expect((await fetch('https://slack.com/api/chat.update')).status).toBe(200);
    releaseWait();
    expect((await limited).status).toBe(200);
    expect(sent).toEqual(['chat.postMessage', 'chat.update', 'chat.postMessage']);
  });

  it('gives up after its retries, returning the 429 so only that call fails', async () => {
    let attempts = 0;
    const fetch = rateLimitedFetch({ retries: 2, maxWaitMs: 30_000 }, silentLogger, async () => (attempts++, response(429, '1')), async () => {});
    expect((await fetch('https://slack.com/api/chat.update')).status).toBe(429);
    expect(attempts).toBe(3);
  });

  it('does not wait longer than its bound', async () => {
    const waits: number[] = [];
    const fetch = rateLimitedFetch({ retries: 3, maxWaitMs: 30_000 }, silentLogger, async () => response(429, '120'), async (ms) => void waits.push(ms));
    expect((await fetch('https://slack.com/api/files.info')).status).toBe(429);
    expect(waits).toEqual([]);
  });
});

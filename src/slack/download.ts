import { InputError } from '../common/errors.js';
import { tooLargeMessage } from '../app/messages.js';

/**
 * Download a file a user shared in Slack, with the bot token, only from Slack's own hosts
 * (or the configured API gateway's host): the token must never be sent anywhere else.
 */

export interface DownloadPolicy {
  readonly botToken: string;
  /** SLACK_API_URL; its host is trusted too (gateways, tests). */
  readonly slackApiUrl: string;
  readonly maxBytes: number;
  /** Redirects followed (each checked against the allowed hosts). */
  readonly maxRedirects?: number;
  /** Extra attempts after a connection failure, a 429 or a 5xx. Default 2. */
  readonly retries?: number;
  /** Wait before the first retry, doubled each time (a Retry-After header wins). Default 500 ms. */
  readonly retryDelayMs?: number;
}

export const LOGIN_PAGE_MESSAGE =
  'I could not read the file: Slack returned a login page, which means the app lacks the files:read scope. Add files:read in the app settings and reinstall.';

/** Hosts that may receive the bot token. */
export function isAllowedFileHost(url: URL, slackApiUrl: string): boolean {
  const host = url.hostname.toLowerCase();
  if (host === new URL(slackApiUrl).hostname.toLowerCase()) return true;
  if (url.protocol !== 'https:') return false;
  return host === 'files.slack.com' || host.endsWith('.slack.com') || host === 'slack-files.com' || host.endsWith('.slack-files.com');
}

/**
 * Fetch `urlPrivate` and return its bytes. Throws InputError (worded for the user) for a
 * refused host, a login page instead of the file, or a file over the size limit.
 */
export async function downloadSlackFile(urlPrivate: string, fileName: string, policy: DownloadPolicy): Promise<Buffer> {
  let url = parseUrl(urlPrivate);
  const maxRedirects = policy.maxRedirects ?? 3;
  for (let hop = 0; ; hop++) {
    if (!isAllowedFileHost(url, policy.slackApiUrl)) {
      throw new InputError(`I only read files stored in Slack, and ${fileName} points elsewhere (${url.hostname}); upload the CSV to Slack directly.`, 'file-host');
    }
    const response = await fetchWithRetries(url, fileName, policy);
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location || hop >= maxRedirects) throw new InputError(LOGIN_PAGE_MESSAGE, 'file-login-page');
      const next = new URL(location, url);
      // Slack sends an unauthorised download to its sign-in page.
      if (!isAllowedFileHost(next, policy.slackApiUrl) || /\/(signin|login)\b|[?&]redir=/.test(next.pathname + next.search)) {
        throw new InputError(LOGIN_PAGE_MESSAGE, 'file-login-page');
      }
      url = next;
      continue;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new InputError(LOGIN_PAGE_MESSAGE, 'file-login-page');
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new InputError(
        response.status === 404 || response.status === 410
          ? `Slack no longer has ${fileName} (HTTP ${response.status}); it may have been deleted. Upload it again.`
          : `Slack could not give me ${fileName} (HTTP ${response.status}); try uploading it again in a minute.`,
        'file-download',
      );
    }
    if ((response.headers.get('content-type') ?? '').toLowerCase().includes('text/html')) {
      await response.body?.cancel();
      throw new InputError(LOGIN_PAGE_MESSAGE, 'file-login-page');
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > policy.maxBytes) {
      await response.body?.cancel();
      throw new InputError(tooLargeMessage(fileName, policy.maxBytes), 'file-too-large');
    }
    const bytes = await readLimited(response, fileName, policy.maxBytes);
    if (looksLikeHtml(bytes)) throw new InputError(LOGIN_PAGE_MESSAGE, 'file-login-page');
    return bytes;
  }
}

/**
 * One GET of the file, retried a bounded number of times when the failure is Slack's (connection
 * reset, 429, 5xx). What remains wrong afterwards becomes a sentence for the user.
 */
async function fetchWithRetries(url: URL, fileName: string, policy: DownloadPolicy): Promise<Response> {
  const retries = policy.retries ?? 2;
  let delay = policy.retryDelayMs ?? 500;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { headers: { Authorization: `Bearer ${policy.botToken}` }, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
    } catch {
      if (attempt < retries) {
        await sleep(delay);
        delay *= 2;
        continue;
      }
      throw new InputError(`I could not download ${fileName} from Slack (the connection failed); try uploading it again in a minute.`, 'file-download');
    }
    const transient = response.status === 429 || response.status >= 500;
    if (!transient || attempt >= retries) return response;
    await response.body?.cancel();
    const retryAfter = Number(response.headers.get('retry-after'));
    await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 10_000) : delay);
    delay *= 2;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseUrl(value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new InputError('Slack gave me an unreadable file address; try uploading the file again.', 'file-url');
  }
}

/** Read the body, stopping as soon as it passes the limit (the declared size can be missing or wrong). */
async function readLimited(response: Response, fileName: string, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch {
      throw new InputError(`The download of ${fileName} from Slack broke off; try uploading it again in a minute.`, 'file-download');
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new InputError(tooLargeMessage(fileName, maxBytes), 'file-too-large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** A page of HTML where a CSV was expected (Slack serves its sign-in page with status 200). */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html');
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../common/errors.js';
import { downloadSlackFile, isAllowedFileHost, LOGIN_PAGE_MESSAGE, looksLikeHtml } from './download.js';

let server: Server;
let base: string;
const authorizations: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    authorizations.push(String(req.headers.authorization));
    switch (req.url) {
      case '/ok.csv':
        res.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\n1,2\n');
        return;
      case '/chunked-big.csv':
        // No content-length: the limit has to be enforced while reading.
        res.writeHead(200, { 'content-type': 'text/csv' });
        for (let i = 0; i < 50; i++) res.write('x'.repeat(1000));
        res.end();
        return;
      case '/html-as-text.csv':
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('\uFEFF  <!DOCTYPE html><html></html>');
        return;
      case '/to-login':
        res.writeHead(302, { location: '/?redir=%2Ffiles-pri%2Fx' }).end();
        return;
      case '/to-elsewhere':
        res.writeHead(302, { location: 'https://evil.example.com/steal' }).end();
        return;
      case '/forbidden':
        res.writeHead(403).end();
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const policy = () => ({ botToken: 'xoxb-secret', slackApiUrl: `${base}/api/`, maxBytes: 10_000 });

async function failure(url: string): Promise<InputError> {
  try {
    await downloadSlackFile(url, 'data.csv', policy());
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected the download to be refused');
}

describe('isAllowedFileHost', () => {
  it.each([
    ['https://files.slack.com/files-pri/T1-F1/a.csv', true],
    ['https://acme.slack.com/files/U1/F1/a.csv', true],
    ['https://slack-files.com/T1-F1-abc', true],
    ['http://files.slack.com/files-pri/T1-F1/a.csv', false],
    ['https://files.slack.com.evil.example/a.csv', false],
    ['https://example.com/a.csv', false],
    ['http://127.0.0.1:9/whatever', true],
  ])('%s -> %s', (url, allowed) => {
    expect(isAllowedFileHost(new URL(url), 'http://127.0.0.1:9/api/')).toBe(allowed);
  });
});

describe('downloadSlackFile', () => {
  it('downloads from an allowed host with the bot token', async () => {
    authorizations.length = 0;
    const bytes = await downloadSlackFile(`${base}/ok.csv`, 'ok.csv', policy());
    expect(bytes.toString()).toBe('a,b\n1,2\n');
    expect(authorizations).toEqual(['Bearer xoxb-secret']);
  });

  it('stops reading as soon as the body passes the size limit', async () => {
    expect((await failure(`${base}/chunked-big.csv`)).code).toBe('file-too-large');
  });

  it('reports HTML (by content, by redirect to sign-in, by 403) as the missing files:read scope', async () => {
    for (const path of ['/html-as-text.csv', '/to-login', '/forbidden']) expect((await failure(`${base}${path}`)).message).toBe(LOGIN_PAGE_MESSAGE);
  });

  it('never follows a redirect to a host that is not Slack’s', async () => {
    expect((await failure(`${base}/to-elsewhere`)).code).toBe('file-login-page');
  });

  it('refuses a URL that is not Slack’s without sending anything', async () => {
    authorizations.length = 0;
    const error = await failure('https://example.com/data.csv');
    expect(error.code).toBe('file-host');
    expect(authorizations).toEqual([]);
  });

  it('recognises HTML pages by their first bytes', () => {
    expect(looksLikeHtml(Buffer.from('<html><body>'))).toBe(true);
    expect(looksLikeHtml(Buffer.from('\n <!doctype html>'))).toBe(true);
    expect(looksLikeHtml(Buffer.from('a,b\n<html>,2'))).toBe(false);
  });
});

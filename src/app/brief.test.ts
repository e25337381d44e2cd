import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../config.js';
import { RecordingConversation } from '../../test/helpers/recording-conversation.js';
import { MISSION_CSV } from '../../test/helpers/shared.js';
import { briefMarkdown } from './brief.js';
import { localFile } from './local-file.js';
import { createSegmentApp, type SegmentApp } from './segment-app.js';
import { plainAnswer } from '../tools/answer.js';

/** The campaign brief at the application level: what it holds, and that making it again replaces the bot's own. */

let dataDir: string;
let app: SegmentApp;
const key = { teamId: 'T0BRIEF', channelId: 'C0BRIEF' };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'brief-'));
  app = await createSegmentApp(loadConfig({ DATA_DIR: dataDir }), silentLogger);
  await app.uploads.handle(new RecordingConversation(key), localFile(MISSION_CSV, 50 * 1024 * 1024));
});

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const documents = (c: RecordingConversation) => c.events.flatMap((e) => (e.kind === 'document' ? [e] : []));

describe('the campaign brief', () => {
  it('holds the segment table, each profile, a campaign per segment, the support actions and the chart links', async () => {
    const conversation = new RecordingConversation(key);
    await app.questions.handle(conversation, 'make a campaign brief');
    const [brief] = documents(conversation);
    expect(brief.replaces).toBeNull();
    const headings = brief.markdown.split('\n').filter((line) => line.startsWith('#'));
    expect(headings).toEqual([
      '# Campaign brief: credit\\-card\\-customer\\-data\\.csv',
      '## Segments',
      expect.stringMatching(/^## Segment 1: /),
      expect.stringMatching(/^## Segment 2: /),
      expect.stringMatching(/^## Segment 3: /),
      '## A campaign per segment',
      '## Support actions',
      '## Charts in the thread',
    ]);
    expect(brief.markdown).toMatch(/\| Segment \| Name \| Customers \|/);
    expect(brief.markdown).toContain('| 386 |');
    expect(brief.markdown).toContain('[Segment profiles](https://example.test/charts/profile)');
    expect(conversation.said()[0]).toMatch(/^Made a campaign brief: the channel canvas\./);
  });

  it('made again, replaces the bot’s own earlier brief', async () => {
    const again = new RecordingConversation(key);
    await app.questions.handle(again, 'update the brief');
    expect(documents(again)[0].replaces).toBe('DOC1');
    expect(again.said()[0]).toMatch(/^Updated the campaign brief/);
  });

  it('escapes what comes from the file, so a name cannot become a link or markup', () => {
    const hostile = '[Reset password](https://evil.example) <!channel> *x*';
    const markdown = briefMarkdown('customers.csv', [{ heading: `Segment 1: ${hostile}`, answer: plainAnswer(`${hostile} calls most.`, { literals: [hostile] }) }], []);
    expect(markdown).not.toContain('](https://evil.example)');
    expect(markdown).not.toContain('<!channel>');
  });
});

import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import { InputError } from '../common/errors.js';
import { downloadSlackFile } from './download.js';
import type { IncomingFile } from '../app/conversation.js';
import { tooLargeMessage } from '../app/messages.js';

/** The fields of a Slack file object the bot reads (events and files.info). */
export const SlackFileRefSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  title: z.string().optional(),
  mimetype: z.string().optional(),
  filetype: z.string().optional(),
  size: z.number().optional(),
  url_private: z.string().optional(),
  url_private_download: z.string().optional(),
});
export type SlackFileRef = z.infer<typeof SlackFileRefSchema>;

export interface FilePolicy {
  readonly botToken: string;
  readonly slackApiUrl: string;
  readonly maxUploadBytes: number;
}

const NO_SCOPE_MESSAGE =
  'I could not read the file: Slack refused to describe it, which means the app lacks the files:read scope. Add files:read in the app settings and reinstall.';

/**
 * A shared Slack file as the application sees it. Downloading asks files.info first (the size limit
 * is checked before a byte is fetched), then fetches url_private from Slack's hosts only.
 */
export function slackIncomingFile(client: webApi.WebClient, ref: SlackFileRef, policy: FilePolicy): IncomingFile {
  const name = ref.name ?? ref.title ?? 'the file';
  return {
    name,
    size: ref.size ?? null,
    mimetype: ref.mimetype ?? null,
    filetype: ref.filetype ?? null,
    download: async () => {
      const info = await describe(client, ref.id);
      if (info.size !== undefined && info.size > policy.maxUploadBytes) {
        throw new InputError(tooLargeMessage(name, policy.maxUploadBytes), 'file-too-large');
      }
      const url = info.url_private_download ?? info.url_private ?? ref.url_private_download ?? ref.url_private;
      if (!url) throw new InputError(`Slack did not give me a download address for ${name}; try uploading it again.`, 'file-url');
      return downloadSlackFile(url, name, { botToken: policy.botToken, slackApiUrl: policy.slackApiUrl, maxBytes: policy.maxUploadBytes });
    },
  };
}

async function describe(client: webApi.WebClient, fileId: string): Promise<SlackFileRef> {
  try {
    const result = await client.files.info({ file: fileId });
    const parsed = SlackFileRefSchema.safeParse(result.file);
    if (!parsed.success) throw new InputError('Slack described the file in a way I do not understand; try uploading it again.', 'file-info');
    return parsed.data;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'missing_scope' || code === 'no_permission' || code === 'not_allowed_token_type') throw new InputError(NO_SCOPE_MESSAGE, 'file-scope');
    if (code === 'file_not_found' || code === 'file_deleted') {
      throw new InputError('That file is no longer in Slack (it was deleted or I cannot see it); upload it again.', 'file-missing');
    }
    // Slack itself failing (5xx, rate limits, connection) after the client's bounded retries.
    throw new InputError('Slack did not answer when I asked for the file; try uploading it again in a minute.', 'file-info');
  }
}

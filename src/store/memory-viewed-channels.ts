import type { ViewedChannelLog } from './channel-store.js';

/**
 * The embedded mode's viewed channels: one process sees every event, and Slack sends the
 * context again whenever the view changes, so memory is enough.
 */
export class MemoryViewedChannels implements ViewedChannelLog {
  private readonly viewing = new Map<string, string>();

  async record(teamId: string, userId: string, channelId: string | null): Promise<void> {
    if (channelId) this.viewing.set(`${teamId}/${userId}`, channelId);
    else this.viewing.delete(`${teamId}/${userId}`);
  }

  async of(teamId: string, userId: string): Promise<string | null> {
    return this.viewing.get(`${teamId}/${userId}`) ?? null;
  }
}

import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../route.js';
import { registerAppMention } from './app-mention.js';

export function registerEvents(app: App, deps: ListenerDeps): void {
  registerAppMention(app, deps);
}

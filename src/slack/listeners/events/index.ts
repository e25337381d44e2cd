import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../route.js';
import { registerAgentEvents } from './agent.js';
import { registerAppMention } from './app-mention.js';
import { registerHomeTab } from './home.js';

export function registerEvents(app: App, deps: ListenerDeps): void {
  registerAppMention(app, deps);
  registerAgentEvents(app, deps);
  registerHomeTab(app, deps);
}

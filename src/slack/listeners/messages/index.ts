import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../route.js';
import { registerUserMessages } from './user-message.js';

export function registerMessages(app: App, deps: ListenerDeps): void {
  registerUserMessages(app, deps);
}

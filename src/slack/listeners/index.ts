import type { App } from '@slack/bolt';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import { registerEvents } from './events/index.js';
import { registerMessages } from './messages/index.js';
import type { ListenerDeps } from './route.js';
import { registerViews } from './views/index.js';

/** Every listener, grouped by Slack surface as in Slack's Bolt templates. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  registerEvents(app, deps);
  registerMessages(app, deps);
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
}

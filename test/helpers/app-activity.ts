import type { App } from '@slack/bolt';

/**
 * What a running Bolt app is doing, for tests that must know when its work is over instead of
 * sleeping and hoping: every event the receiver hands to `app.processEvent` is counted, and
 * `processEvent` resolves only once the middleware and every listener have finished, which
 * includes each Slack call they awaited. Once the app is idle, every call its work makes has
 * reached the fake Slack.
 */
export interface AppActivity {
  /** Events (and commands, actions…) handed to the app so far; a request refused by the receiver is not one. */
  readonly received: number;
  /** Resolves when no event is being processed (at once if none is). */
  idle(): Promise<void>;
}

/** Start counting the app's events; call before sending it any. */
export function watchActivity(app: App): AppActivity {
  let received = 0;
  let inFlight = 0;
  let waiting: (() => void)[] = [];
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    received += 1;
    inFlight += 1;
    try {
      await processEvent(event);
    } finally {
      inFlight -= 1;
      if (inFlight === 0) {
        const done = waiting;
        waiting = [];
        for (const resolve of done) resolve();
      }
    }
  };
  return {
    get received() {
      return received;
    },
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
  };
}

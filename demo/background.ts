import { DemoAbortedError, type TokenSigner } from './http.js';
import { createPresent, type PresentSummary } from './present.js';

/**
 * `npm start` on an empty database: the demo runs in the background once the API listens, so
 * start-up is not slower to become ready; it logs its progress, and Ctrl-C stops it (what it made
 * stays; `npm run demo` finishes it later).
 */
export interface BackgroundDemo {
  /** Resolves with the summary, or undefined when stopped or failed (it never rejects). */
  readonly done: Promise<PresentSummary | undefined>;
  /** Stops the demo's requests and waits until it has let go. */
  stop(): Promise<void>;
}

/** How long requests under way may take to finish when the demo is stopped. */
const STOP_GRACE_MS = 10_000;

export function startDemoInBackground(options: { apiUrl: string; tokens: TokenSigner; simulatorUrl?: string; log: (line: string) => void }): BackgroundDemo {
  const controller = new AbortController();
  const hard = new AbortController();
  const log = (line: string) => options.log(`demo: ${line}`);
  log('making a living present through the API (docs/synthetic-data.md, "The living demo"); the UI can be used meanwhile');
  const done = createPresent({ apiUrl: options.apiUrl, tokens: options.tokens, simulatorUrl: options.simulatorUrl, signal: controller.signal, hardSignal: hard.signal, log }).then(
    (summary) => summary,
    (err: unknown) => {
      if (err instanceof DemoAbortedError || controller.signal.aborted) log('stopped; `npm run demo` finishes it');
      else log(`failed: ${err instanceof Error ? err.message : String(err)}; \`npm run demo\` tries again`);
      return undefined;
    },
  );
  return {
    done,
    async stop() {
      // No new request; those under way get a moment to finish, so the API stops with none half done.
      controller.abort(new DemoAbortedError());
      const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
      await Promise.race([done, grace]);
      hard.abort(new DemoAbortedError());
      await done;
    },
  };
}

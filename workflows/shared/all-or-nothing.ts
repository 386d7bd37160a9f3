import type { UpdateDefinition } from '@temporalio/common';
import { condition, patched, setHandler } from '@temporalio/workflow';

/**
 * Issue 10: a command (an Update) is all or nothing. Its handler changes the process's state and
 * then records the change (an activity); when the recording fails (a data error, PostgreSQL class
 * 22/23, is not retried) the caller is refused, and the state must not keep a change that was
 * never recorded. One mechanism for every process:
 *
 * - `atomically(body)` takes a restore point before the body and, when the body throws, puts the
 *   state back to it before the refusal reaches the caller. After every successful record the
 *   process calls `recorded()`, which moves the restore point: a command that recorded one change
 *   and failed on the next keeps the first, as the database does.
 * - Commands run one at a time, and a process's own loop waits (`busy`, `untilIdle()`) while a
 *   command is under way: nothing acts on a change that may still be taken back.
 * - A change that is not a command (a signal) arriving meanwhile waits for the command to end
 *   (`apply`), so taking back a refused command cannot take it back too.
 *
 * Behind `patched(allOrNothingPatch)`, asked when a command starts: a history recorded before this
 * replays as it ran (the change stays, the loop does not wait).
 */
export const allOrNothingPatch = 'update-all-or-nothing';

/** Takes a restore point of one part of a process; the function it returns puts that part back. */
export type RestorePoint = () => () => void;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A deep copy of plain data (objects, arrays, values), as workflow state is. */
export function copyOf<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => copyOf(v)) as T;
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyOf(v);
    return out as T;
  }
  return value;
}

/**
 * `saved` put back into `current`, in place wherever both are objects (or both arrays), so every
 * reference held elsewhere (a query handler, `run.state.data`) still sees the state.
 */
function restoreInto(current: unknown, saved: unknown): unknown {
  if (Array.isArray(current) && Array.isArray(saved)) {
    const items = saved.map((v: unknown, i) => restoreInto(current[i], v));
    current.length = 0;
    current.push(...items);
    return current;
  }
  if (isRecord(current) && isRecord(saved)) {
    for (const k of Object.keys(current)) if (!(k in saved)) delete current[k];
    for (const [k, v] of Object.entries(saved)) current[k] = restoreInto(current[k], v);
    return current;
  }
  // A copy: the same restore point may be used again.
  return copyOf(saved);
}

/** The restore point of a plain state object, put back in place. */
export const stateObject = (state: object): RestorePoint => () => {
  const saved = copyOf(state);
  return () => {
    restoreInto(state, saved);
  };
};

export class AllOrNothing {
  private readonly parts: RestorePoint[];
  private restore: (() => void) | undefined;
  private running = 0;
  private readonly deferred: (() => void)[] = [];

  constructor(...parts: RestorePoint[]) {
    this.parts = parts;
  }

  /** One more part to put back (a flow's own variables, besides the state). */
  keep(part: RestorePoint): void {
    this.parts.push(part);
  }

  /** A command is under way: what it changed may still be taken back. */
  get busy(): boolean {
    return this.running > 0;
  }

  /** Resolves when no command is under way (ask `busy` first: when idle, there is nothing to wait for). */
  untilIdle(): Promise<void> {
    return condition(() => this.running === 0);
  }

  /**
   * Waits until `woken` holds, or `timeoutMs` has passed (no timer when it is undefined); never
   * on a change a command may still take back: while one is under way, until it is recorded or
   * taken back.
   */
  async untilWoken(woken: () => boolean, timeoutMs?: number): Promise<void> {
    const ready = () => !this.busy && woken();
    if (timeoutMs === undefined) await condition(ready);
    else await condition(ready, timeoutMs);
    if (this.busy) await this.untilIdle();
  }

  /** After a successful record: the state as it stands is what the database has. */
  recorded(): void {
    if (this.running > 0) this.restore = this.take();
  }

  /** A change that is not a command: at once, or, while a command is under way, right after it. */
  apply(change: () => void): void {
    if (this.running > 0) this.deferred.push(change);
    else change();
  }

  /**
   * Runs a command's change and its records as one: on failure the state is as last recorded.
   * Before the patch, `body()` itself, with not one step more.
   */
  atomically<R>(body: () => Promise<R>): Promise<R> {
    return patched(allOrNothingPatch) ? this.run(body) : body();
  }

  /** `setHandler` for an Update whose handler is all or nothing. */
  onUpdate<Ret, Args extends unknown[]>(def: UpdateDefinition<Ret, Args>, handler: (...args: Args) => Promise<Ret>, options?: { validator?: (...args: Args) => void }): void {
    setHandler(def, (...args: Args) => this.atomically(() => handler(...args)), options);
  }

  private async run<R>(body: () => Promise<R>): Promise<R> {
    // One command at a time: another waits until this one has recorded or been taken back.
    while (this.running > 0) await this.untilIdle();
    this.restore = this.take();
    this.running += 1;
    try {
      return await body();
    } catch (err) {
      this.restore?.();
      throw err;
    } finally {
      this.running -= 1;
      this.restore = undefined;
      for (const change of this.deferred.splice(0)) change();
    }
  }

  private take(): () => void {
    const restores = this.parts.map((part) => part());
    return () => {
      for (const restore of restores) restore();
    };
  }
}

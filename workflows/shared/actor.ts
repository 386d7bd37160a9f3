/** Who gave a command: recorded with every timeline entry and audit record. */
export interface Actor {
  id: string;
  role: string;
  /** The API request that carried the command, to correlate logs and audit. */
  requestId?: string;
}

/** The process itself, for what no person commanded (timers, escalations, schedules). */
export const system: Actor = { id: 'systeem', role: 'systeem' };

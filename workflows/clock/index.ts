/**
 * The deadline clock shared by all flows. Deterministic and dependency-free: safe to import from
 * Temporal workflow code. Holiday data comes in from workflows/clock/flemish-holidays.ts.
 */
export * from './brussels-time.js';
export * from './calendar.js';
export * from './deadline.js';
export * from './escalation.js';
export * from './defaults.js';

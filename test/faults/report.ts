import type { Duplicates } from './workload.js';

/** The outcome of one check: what the runner prints and docs/reliability.md quotes. */
export interface CheckResult {
  id: string;
  title: string;
  ok: boolean;
  started: number;
  inFlight: number;
  lost: number;
  duplicated: number;
  figures: Record<string, string | number>;
  failures: string[];
  seconds: number;
}

export function dupFigures(d: Duplicates): Record<string, number> {
  return {
    'dup outbox (key)': d.outboxByKey,
    'dup outbox (subject,template,channel,recipient,body)': d.outboxBySubjectTemplateRecipient,
    'dup SMTP (Message-ID)': d.smtpByMessageId,
    'dup SMTP (to,subject)': d.smtpByRecipientSubject,
    'dup rungs (timeline per rung)': d.rungs,
    'dup timeline (key)': d.timelineByKey,
    'dup Modular orders': d.modularOrders,
  };
}

export function printResult(r: CheckResult) {
  const lines = [
    `== check ${r.id}: ${r.title}: ${r.ok ? 'PASS' : 'FAIL'} (${r.seconds} s)`,
    `   processes started ${r.started}, in flight ${r.inFlight}, lost ${r.lost}, duplicated ${r.duplicated}`,
    ...Object.entries(r.figures).map(([k, v]) => `   ${k}: ${v}`),
    ...r.failures.map((f) => `   FAILURE: ${f}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

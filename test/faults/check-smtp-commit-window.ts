import { runCheck, startApp, startStage } from './harness.js';
import type { CheckResult } from './report.js';
import { kill9, log, sleep, startWorker } from './system.js';
import { ApiClient, awaitAll, driveAll, plan } from './workload.js';

/**
 * Check 1b (KNOWN GAP, deterministic reproduction of what check 1 hit by chance): the worker is
 * killed with SIGKILL right after the SMTP server accepted an e-mail (250 sent) and before the
 * outbox dispatcher committed `sent`. The restarted worker sends the message again (same
 * Message-ID, platform/outbox-dispatcher.ts says so): the SMTP server receives it twice.
 */
export function smtpCommitWindowCheck(): Promise<CheckResult> {
  return runCheck({ id: '1b', title: 'worker killed between the SMTP 250 and the outbox commit', knownGap: true }, async (t) => {
    const stage = await startStage(t, { label: 'smtpwin', seedScale: 0.02, noModular: true, env: { enforcementOverrides: {}, outboxPollMs: 500 } });
    const { database, smtp, env } = stage;
    const app = await startApp(t, stage);
    const api = app.apis[0]!;
    let killed = false;
    smtp.onAccepted = () => {
      if (killed) return;
      killed = true;
      process.kill(app.workers[0]!.pid, 'SIGKILL');
    };
    const procs = await plan(database.db, { rungs: 0, feedback: 1, aanmaning: 0, inspection: 0 }, 'smtpwin');
    t.started = procs.length;
    await driveAll(new ApiClient([api.url]), procs, 1);
    const deadline = Date.now() + 60_000;
    while (!killed && Date.now() < deadline) await sleep(200);
    await kill9(app.workers[0]!);
    log(`check 1b: worker killed right after the SMTP server's 250 (${killed})`);
    app.workers[0] = await startWorker('worker', env);
    const open = await awaitAll(new ApiClient([api.url]), database.db, procs, 60_000);
    await sleep(2_000);
    const ids = new Map<string, number>();
    for (const m of smtp.received) ids.set(m.messageId, (ids.get(m.messageId) ?? 0) + 1);
    t.duplicated = [...ids.values()].filter((n) => n > 1).length;
    t.inFlight = t.started;
    Object.assign(t.figures, {
      'killed between 250 and commit': String(killed),
      'messages received (same Message-ID)': `${smtp.received.length} (${[...ids.values()].join(', ')})`,
      'process reached its state after restart': String(open.length === 0),
    });
    if (t.duplicated) t.failures.push(`the SMTP server received the same e-mail ${Math.max(...ids.values())} times (Message-ID ${[...ids.keys()][0]})`);
    if (open.length) t.failures.push('the feedback e-mail was not marked sent after the restart');
  });
}

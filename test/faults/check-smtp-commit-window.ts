import { runCheck, startApp, startStage } from './harness.js';
import type { CheckResult } from './report.js';
import { kill9, log, sleep, startWorker, until } from './system.js';
import { ApiClient, awaitAll, driveAll, plan } from './workload.js';

/**
 * Check 1b (deterministic reproduction of what check 1 once hit by chance): the worker is killed
 * with SIGKILL the moment the SMTP server has accepted an e-mail, before the outbox dispatcher
 * could record `sent`. SMTP cannot be asked whether a message arrived, so the promise is: never
 * twice, never silently lost. The dispatcher committed `sending` before it spoke to the server;
 * the restarted worker finds the row `sending` without its sender (the sender's advisory lock went
 * with its session), makes it `uncertain` and raises one incident, and does NOT send it again.
 * The check then acts as the operator would: the server's log shows the e-mail arrived, so it
 * resolves the incident through the API, and the e-mail counts as sent.
 */
export function smtpCommitWindowCheck(): Promise<CheckResult> {
  return runCheck({ id: '1b', title: 'worker killed between the SMTP 250 and the outbox commit: flagged uncertain, not sent twice' }, async (t) => {
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
    const client = new ApiClient([api.url]);
    await driveAll(client, procs, 1);
    const deadline = Date.now() + 60_000;
    while (!killed && Date.now() < deadline) await sleep(200);
    await kill9(app.workers[0]!);
    log(`check 1b: worker killed right after the SMTP server accepted the e-mail (${killed})`);
    const atKill = await database.db.selectFrom('outbox_messages').select(['id', 'status']).where('channel', '=', 'email').execute();
    t.inFlight = atKill.filter((r) => r.status !== 'sent').length;
    app.workers[0] = await startWorker('worker', env);

    // The restarted worker flags it, raises one incident, and leaves it unsent.
    const uncertain = await until('the e-mail flagged uncertain', () => database.db.selectFrom('outbox_messages').select(['id', 'status', 'attempts']).where('channel', '=', 'email').execute(),
      (rows) => rows.length > 0 && rows.every((r) => r.status === 'uncertain' || r.status === 'sent'), 60_000).catch((err: unknown) => {
      t.failures.push((err as Error).message);
      return [];
    });
    const flagged = uncertain.filter((r) => r.status === 'uncertain');
    const incidents = await client.call('GET', '/incidents?status=open&limit=50', 'u-admin');
    const open = ((incidents.body.items ?? []) as { id: string; workflowType: string; errorType: string | null; workflowId: string }[]).filter((i) => i.workflowType === 'outbox');
    // Three more polls: nothing may be sent again on its own.
    await sleep(1_500);
    const receivedBeforeResolve = smtp.received.length;

    // The operator: the SMTP server's log shows it arrived, so the incident is resolved (marked sent).
    const resolved = [];
    for (const i of open) resolved.push((await client.call('POST', `/incidents/${i.id}/resolve`, 'u-admin', {})).status);
    const notReached = await awaitAll(client, database.db, procs, 60_000);
    await sleep(2_000);
    const ids = new Map<string, number>();
    for (const m of smtp.received) ids.set(m.messageId, (ids.get(m.messageId) ?? 0) + 1);
    t.duplicated = [...ids.values()].filter((n) => n > 1).length;
    t.lost = notReached.length;
    Object.assign(t.figures, {
      'killed between 250 and commit': String(killed),
      'e-mails not yet recorded sent at the kill': t.inFlight,
      'flagged uncertain after the restart (counted apart: neither lost nor sent twice)': flagged.length,
      'outbox incidents raised (open)': `${open.length} (${open.map((i) => i.errorType).join(', ')})`,
      'messages received before the operator acted (same Message-ID)': `${receivedBeforeResolve} (${[...ids.values()].join(', ')})`,
      'operator resolve answers': resolved.join(', ') || '-',
      'process reached its state (e-mail sent) after the resolve': String(notReached.length === 0),
    });
    if (!killed) t.failures.push('the SMTP server never accepted the e-mail: the worker was not killed in the window');
    if (t.duplicated) t.failures.push(`the SMTP server received the same e-mail ${Math.max(...ids.values())} times (Message-ID ${[...ids.keys()][0]})`);
    if (flagged.length !== 1) t.failures.push(`expected the one e-mail flagged uncertain, found ${flagged.length}`);
    if (open.length !== flagged.length) t.failures.push(`expected one open outbox incident per uncertain e-mail, found ${open.length}`);
    if (resolved.some((s) => s !== 200)) t.failures.push(`resolve answered ${resolved.join(', ')}`);
    if (notReached.length) t.failures.push('the feedback e-mail was not marked sent after the operator resolved its incident');
  });
}

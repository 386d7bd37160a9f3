import type { CheckResult } from './report.js';
import { appEnv, createDatabase, kill9, log, sleep, startApi, startSmtp, startTemporal, startWorker, stopChild, type Child } from './system.js';
import { ApiClient, awaitAll, driveAll, plan } from './workload.js';

/**
 * Check 1b (KNOWN GAP, deterministic reproduction of what check 1 hit by chance): the worker is
 * killed with SIGKILL right after the SMTP server accepted an e-mail (250 sent) and before the
 * outbox dispatcher committed `sent`. The restarted worker sends the message again (same
 * Message-ID, platform/outbox-dispatcher.ts says so): the SMTP server receives it twice.
 */
export async function smtpCommitWindowCheck(): Promise<CheckResult> {
  const t0 = Date.now();
  const failures: string[] = [];
  const figures: Record<string, string | number> = {};
  const cleanups: (() => Promise<unknown>)[] = [];
  let duplicated = 0;
  let started = 0;
  try {
    const [database, temporal, smtp] = await Promise.all([createDatabase('smtpwin', 0.02), startTemporal(), startSmtp()]);
    cleanups.push(() => database.drop(), () => temporal.stop(), () => smtp.stop());
    const env = await appEnv({ databaseUrl: database.url, temporalAddress: temporal.address, taskQueue: 'handhaving-faults', smtpUrl: smtp.url, outboxPollMs: 500 });
    let worker: Child = await startWorker('worker', env);
    const api = await startApi('api', env);
    cleanups.push(async () => {
      await stopChild(api.child);
      await stopChild(worker);
    });
    let killed = false;
    smtp.onAccepted = () => {
      if (killed) return;
      killed = true;
      process.kill(worker.pid, 'SIGKILL');
    };
    const procs = await plan(database.db, { rungs: 0, feedback: 1, aanmaning: 0, inspection: 0 }, 'smtpwin');
    started = procs.length;
    await driveAll(new ApiClient([api.url]), procs, 1);
    const deadline = Date.now() + 60_000;
    while (!killed && Date.now() < deadline) await sleep(200);
    await kill9(worker);
    log(`check 1b: worker killed right after the SMTP server's 250 (${killed})`);
    worker = await startWorker('worker', env);
    const open = await awaitAll(new ApiClient([api.url]), database.db, procs, 60_000);
    await sleep(2_000);
    const ids = new Map<string, number>();
    for (const m of smtp.received) ids.set(m.messageId, (ids.get(m.messageId) ?? 0) + 1);
    duplicated = [...ids.values()].filter((n) => n > 1).length;
    Object.assign(figures, {
      'killed between 250 and commit': String(killed),
      'messages received (same Message-ID)': `${smtp.received.length} (${[...ids.values()].join(', ')})`,
      'process reached its state after restart': String(open.length === 0),
    });
    if (duplicated) failures.push(`the SMTP server received the same e-mail ${Math.max(...ids.values())} times (Message-ID ${[...ids.keys()][0]})`);
    if (open.length) failures.push('the feedback e-mail was not marked sent after the restart');
  } catch (err) {
    failures.push(`check aborted: ${(err as Error).stack ?? String(err)}`);
  } finally {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => log(`cleanup: ${(e as Error).message}`));
  }
  const strict = process.env.FAULTS_STRICT === '1';
  return {
    id: '1b',
    title: `worker killed between the SMTP 250 and the outbox commit — KNOWN GAP${strict ? '' : ', reported, not failing (FAULTS_STRICT=1 fails it)'}`,
    ok: failures.length === 0 || !strict,
    started, inFlight: started, lost: 0, duplicated, figures, failures, seconds: Math.round((Date.now() - t0) / 1000),
  };
}

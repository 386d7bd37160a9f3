import { dupFigures, type CheckResult } from './report.js';
import { appEnv, createDatabase, isAlive, kill9, log, sleep, startApi, startModular, startSmtp, startTemporal, startWorker, stopChild, type Child, type ApiProc } from './system.js';
import { ApiClient, awaitAll, driveAll, duplicates, enforcementOverrides, type Mix, pendingNow, plan, reportDeadlines, slowestDrive, totalDuplicates } from './workload.js';

export interface ProductionShapeOptions {
  mix: Mix;
  budgetS: number;
  concurrency: number;
  seedScale: number;
}

/**
 * Check 4: the production shape. `scripts/migrate.ts` migrates a fresh PostgreSQL database; two
 * `scripts/worker.ts` and two `scripts/api.ts` processes run against it; clients use both APIs
 * (as behind a load balancer). Mid-flight one worker is killed (SIGKILL) and not restarted: the
 * other must finish all work. Then one API process is killed: the other must serve every request.
 */
export async function productionShapeCheck(o: ProductionShapeOptions): Promise<CheckResult> {
  const t0 = Date.now();
  const failures: string[] = [];
  const figures: Record<string, string | number> = {};
  const cleanups: (() => Promise<unknown>)[] = [];
  let started = 0;
  let inFlight = 0;
  let lost = 0;
  let duplicated = 0;
  try {
    const [database, temporal, modular, smtp] = await Promise.all([createDatabase('prod', o.seedScale), startTemporal(), startModular(), startSmtp()]);
    cleanups.push(() => database.drop(), () => temporal.stop(), () => modular.stop(), () => smtp.stop());
    const env = await appEnv({
      databaseUrl: database.url,
      temporalAddress: temporal.address,
      taskQueue: 'handhaving-faults',
      modularUrl: modular.url,
      smtpUrl: smtp.url,
      deadlineOverrides: reportDeadlines(o.budgetS),
      enforcementOverrides,
    });
    const workers: Child[] = await Promise.all([startWorker('worker-a', env), startWorker('worker-b', env)]);
    const apis: ApiProc[] = await Promise.all([startApi('api-a', env), startApi('api-b', env)]);
    cleanups.push(async () => {
      for (const c of [...apis.map((a) => a.child), ...workers]) await stopChild(c);
    });
    modular.setCallbackUrl(`${apis[1]!.url}/modular/webhook`);
    const client = new ApiClient(apis.map((a) => a.url));
    const procs = await plan(database.db, o.mix, 'prod');
    started = procs.length;
    const since = new Date(Date.now() - 1_000);
    log(`check 4: 2 workers, 2 APIs; driving ${procs.length} processes`);

    const driving = driveAll(client, procs, o.concurrency);
    // Kill worker-a while processes are being started and timers run.
    await sleep(Math.min(15_000, 5_000 + (o.budgetS * 1000) / 2));
    inFlight = await pendingNow(database.db, procs);
    await kill9(workers[0]!);
    log(`check 4: kill -9 worker-a (pid ${workers[0]!.pid}); ${inFlight} processes pending; worker-b carries on alone`);
    // Then API a: the client's requests to it fail at the network level and go to api-b.
    await sleep(5_000);
    const netBefore = client.networkErrors;
    await kill9(apis[0]!.child);
    log(`check 4: kill -9 api-a (pid ${apis[0]!.child.pid}); api-b serves`);
    await driving;
    // Every later request through the "load balancer" that reaches api-a fails at the network level;
    // a client that retries elsewhere (ApiClient) is served by api-b: count what api-b answers alone.
    const only = new ApiClient([apis[1]!.url]);
    let servedByB = 0;
    for (const p of procs.slice(0, 20)) {
      if (!p.id) continue;
      const path = p.kind === 'aanmaning' ? `/handhaving/${p.id}` : p.kind === 'inspection' ? `/inspections/${p.id}` : `/meldingen/${p.id}`;
      const r = await only.once('GET', path, p.teamCoordinator);
      if (r.status === 200) servedByB += 1;
    }
    const open = await awaitAll(only, database.db, procs, Math.max(120_000, o.budgetS * 3_000));
    lost = open.length;
    await sleep(3_000);
    const dups = await duplicates(database.db, smtp, modular.url, since);
    duplicated = totalDuplicates(dups);
    const notAccepted = procs.filter((p) => p.notAccepted);
    const commandFailures = procs.filter((p) => p.commandFailures.length > 0);
    Object.assign(figures, {
      'processes by kind': JSON.stringify(o.mix),
      'pending (side effect still due) when worker-a was killed': inFlight,
      'worker-a alive at the end': String(isAlive(workers[0]!)),
      'worker-b alive at the end': String(isAlive(workers[1]!)),
      'requests that hit the killed api-a (network errors, retried on api-b)': client.networkErrors - netBefore,
      'reads answered 200 by api-b alone after the kill': `${servedByB}/${Math.min(20, procs.filter((p) => p.id).length)}`,
      'accepted by the API': procs.filter((p) => p.id).length,
      'not accepted': notAccepted.length,
      'commands failed': commandFailures.length,
      'API 503 answers (all problem+json)': client.unavailable,
      'slowest start per kind (ms)': slowestDrive(procs),
      'e-mails at the SMTP server': smtp.received.length,
      ...dupFigures(dups),
    });
    if (!isAlive(workers[1]!)) failures.push('worker-b died');
    if (servedByB < Math.min(20, procs.filter((p) => p.id).length)) failures.push('api-b did not serve every read');
    if (notAccepted.length) failures.push(`${notAccepted.length} not accepted, e.g. ${notAccepted[0]!.notAccepted}`);
    if (commandFailures.length) failures.push(`${commandFailures.length} with failed commands, e.g. ${commandFailures[0]!.key}: ${commandFailures[0]!.commandFailures.join('; ')}`);
    if (lost) failures.push(`${lost} lost: ${open.slice(0, 5).map((p) => `${p.kind} ${p.id}`).join(', ')}`);
    if (duplicated) failures.push(`duplicates: ${dups.details.slice(0, 8).join('; ')}`);
    if (client.badErrors.length) failures.push(`bad error answers: ${client.badErrors.slice(0, 3).join(' | ')}`);
  } catch (err) {
    failures.push(`check aborted: ${(err as Error).stack ?? String(err)}`);
  } finally {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => log(`cleanup: ${(e as Error).message}`));
  }
  return { id: '4', title: 'production shape: migrate, 2 workers, 2 APIs; kill a worker, kill an API', ok: failures.length === 0, started, inFlight, lost, duplicated, figures, failures, seconds: Math.round((Date.now() - t0) / 1000) };
}

import { dupFigures, type CheckResult } from './report.js';
import { appEnv, createDatabase, isAlive, kill9, log, sleep, startApi, startModular, startSmtp, startTemporal, startWorker, stopChild, type Child } from './system.js';
import { ApiClient, awaitAll, driveAll, duplicates, enforcementOverrides, type Mix, pendingNow, plan, reportDeadlines, slowestDrive, totalDuplicates } from './workload.js';

export interface TemporalKillOptions {
  mix: Mix;
  budgetS: number;
  /** How long the Temporal server stays dead. */
  downMs: number;
  concurrency: number;
  seedScale: number;
}

/**
 * Check 2: the Temporal server (the CLI's dev server, persisted with --db-filename) is killed with
 * SIGKILL mid-flight and started again on the same file and port. While it is away: /readyz says
 * 503 problem+json naming Temporal, commands answer 503 problem+json. After: every process resumes.
 */
export async function temporalKillCheck(o: TemporalKillOptions): Promise<CheckResult> {
  const t0 = Date.now();
  const failures: string[] = [];
  const figures: Record<string, string | number> = {};
  const cleanups: (() => Promise<unknown>)[] = [];
  let started = 0;
  let inFlight = 0;
  let lost = 0;
  let duplicated = 0;
  try {
    const [database, temporal, modular, smtp] = await Promise.all([createDatabase('temporal', o.seedScale), startTemporal(true), startModular(), startSmtp()]);
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
    let worker: Child = await startWorker('worker', env);
    const api = await startApi('api', env);
    cleanups.push(async () => {
      await stopChild(api.child);
      await stopChild(worker);
    });
    modular.setCallbackUrl(`${api.url}/modular/webhook`);
    const client = new ApiClient([api.url]);
    const procs = await plan(database.db, o.mix, 'temporal');
    started = procs.length;
    const since = new Date(Date.now() - 1_000);
    log(`check 2: driving ${procs.length} processes; the Temporal server will be killed`);
    const driving = driveAll(client, procs, o.concurrency);

    // Kill it once half of the processes have been started (their timers and steps then run).
    const killBy = Date.now() + 120_000;
    while (procs.filter((p) => p.driveMs !== undefined).length < procs.length / 2 && Date.now() < killBy) await sleep(250);
    await sleep(Math.random() * 2_000);
    inFlight = await pendingNow(database.db, procs);
    await kill9(temporal.child);
    const downAt = Date.now();
    log(`check 2: kill -9 Temporal (pid ${temporal.child.pid}); ${inFlight} processes pending`);

    // While it is away: readiness, a command and a read, probed every second.
    const probe = new ApiClient([api.url]);
    const seen = { readyz503: 0, readyzNamesTemporal: 0, readyzOther: 0, command503: 0, commandOther: [] as string[], read: new Map<number, number>() };
    const target = procs.find((p) => p.kind === 'rungs' && p.id) ?? procs.find((p) => p.kind === 'rungs')!;
    let lastReadyDetail = '';
    // Three probes, each in its own loop (a command may wait up to its connect time-out).
    const downFor = () => Date.now() - downAt < o.downMs;
    const readyLoop = async () => {
      while (downFor()) {
        const ready = await probe.once('GET', '/readyz', undefined, undefined, undefined, 10_000).catch(() => undefined);
        if (ready?.status === 503 && ready.contentType.startsWith('application/problem+json')) {
          seen.readyz503 += 1;
          lastReadyDetail = String(ready.body.detail ?? '');
          if (/temporal/i.test(lastReadyDetail)) seen.readyzNamesTemporal += 1;
        } else seen.readyzOther += 1;
        await sleep(1_000);
      }
    };
    const commandLoop = async () => {
      while (downFor()) {
        const command = await probe.once('POST', '/meldingen', target.teamCoordinator, {
          source: 'derde', channel: 'webformulier', location: { locationId: target.locationId },
          description: 'Melding tijdens de storing van Temporal.', categories: ['kwaliteit_pedagogisch'],
        }, `faults-temporal-down-probe-${Date.now()}`, 30_000).catch(() => undefined);
        if (command?.status === 503 && command.contentType.startsWith('application/problem+json')) seen.command503 += 1;
        else seen.commandOther.push(String(command?.status ?? 'no answer'));
        await sleep(1_000);
      }
    };
    const readLoop = async () => {
      while (downFor() && target.id) {
        const read = await probe.once('GET', `/meldingen/${target.id}`, target.teamCoordinator, undefined, undefined, 30_000).catch(() => undefined);
        if (read) seen.read.set(read.status, (seen.read.get(read.status) ?? 0) + 1);
        await sleep(1_000);
      }
    };
    await Promise.all([readyLoop(), commandLoop(), readLoop()]);
    const workerSurvived = isAlive(worker);
    const r = Date.now();
    await temporal.restart();
    const restartMs = Date.now() - r;
    log(`check 2: Temporal back after ${Math.round((Date.now() - downAt) / 1000)} s (restart ${restartMs} ms); worker ${workerSurvived ? 'survived' : 'had exited'}`);
    if (!isAlive(worker)) worker = await startWorker('worker', env);
    const readyAfter = await (async () => {
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        const x = await probe.once('GET', '/readyz', undefined).catch(() => undefined);
        if (x?.status === 200) return Date.now() - downAt;
        await sleep(500);
      }
      return -1;
    })();
    await driving;
    const open = await awaitAll(client, database.db, procs, Math.max(120_000, o.budgetS * 3_000));
    lost = open.length;
    await sleep(3_000);
    const dups = await duplicates(database.db, smtp, modular.url, since);
    duplicated = totalDuplicates(dups);
    const notAccepted = procs.filter((p) => p.notAccepted);
    const commandFailures = procs.filter((p) => p.commandFailures.length > 0);
    Object.assign(figures, {
      'processes by kind': JSON.stringify(o.mix),
      'Temporal down (s)': Math.round(o.downMs / 1000),
      '/readyz while down: 503 problem+json / naming Temporal / other': `${seen.readyz503} / ${seen.readyzNamesTemporal} / ${seen.readyzOther}`,
      '/readyz detail while down': lastReadyDetail.slice(0, 160),
      'POST /meldingen while down: 503 problem+json / other': `${seen.command503} / ${seen.commandOther.length}${seen.commandOther.length ? ` (${[...new Set(seen.commandOther)].join(',')})` : ''}`,
      'GET /meldingen/{id} while down (status×n)': [...seen.read].map(([s, n]) => `${s}×${n}`).join(', '),
      'worker process survived the outage': String(workerSurvived),
      '/readyz 200 again after (s from kill)': readyAfter < 0 ? 'never' : Math.round(readyAfter / 1000),
      'accepted by the API': procs.filter((p) => p.id).length,
      'not accepted': notAccepted.length,
      'commands failed': commandFailures.length,
      'API 503 answers to the workload (retried)': client.unavailable,
      'slowest start per kind (ms)': slowestDrive(procs),
      ...dupFigures(dups),
    });
    if (seen.readyz503 === 0 || seen.readyzOther > 0) failures.push(`/readyz while Temporal was down: ${seen.readyz503} × 503, ${seen.readyzOther} × other`);
    if (seen.readyzNamesTemporal < seen.readyz503) failures.push(`/readyz did not always name Temporal: "${lastReadyDetail}"`);
    if (seen.commandOther.length > 0) failures.push(`commands while Temporal was down answered ${[...new Set(seen.commandOther)].join(',')} instead of 503 problem+json`);
    if ([...seen.read.keys()].some((s) => s !== 200 && s !== 503)) failures.push(`reads while down answered ${[...seen.read.keys()].join(',')}`);
    if (readyAfter < 0) failures.push('/readyz never 200 again');
    if (notAccepted.length) failures.push(`${notAccepted.length} not accepted, e.g. ${notAccepted[0]!.notAccepted}`);
    if (commandFailures.length) failures.push(`${commandFailures.length} with failed commands, e.g. ${commandFailures[0]!.key}: ${commandFailures[0]!.commandFailures.join('; ')}`);
    if (lost) failures.push(`${lost} lost: ${open.slice(0, 5).map((p) => `${p.kind} ${p.id}`).join(', ')}`);
    if (duplicated) failures.push(`duplicates: ${dups.details.slice(0, 8).join('; ')}`);
    if (client.badErrors.length + probe.badErrors.length) failures.push(`bad error answers: ${[...client.badErrors, ...probe.badErrors].slice(0, 3).join(' | ')}`);
  } catch (err) {
    failures.push(`check aborted: ${(err as Error).stack ?? String(err)}`);
  } finally {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => log(`cleanup: ${(e as Error).message}`));
  }
  return { id: '2', title: 'Temporal server killed (SIGKILL) and restarted on its persisted state', ok: failures.length === 0, started, inFlight, lost, duplicated, figures, failures, seconds: Math.round((Date.now() - t0) / 1000) };
}

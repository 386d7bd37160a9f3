import { sql } from 'kysely';
import { dupFigures, type CheckResult } from './report.js';
import { appEnv, createDatabase, freePort, isAlive, log, sleep, startApi, startModular, startSmtp, startTemporal, startWorker, stopChild, type Child } from './system.js';
import { TcpProxy } from './tcp-proxy.js';
import { ApiClient, awaitAll, driveAll, duplicates, enforcementOverrides, type Mix, pendingNow, plan, reportDeadlines, slowestDrive, totalDuplicates } from './workload.js';

export interface PostgresCutOptions {
  mix: Mix;
  budgetS: number;
  downMs: number;
  concurrency: number;
  seedScale: number;
}

/**
 * Check 3: PostgreSQL away (DATABASE_URL mode). The API and the worker reach the machine's shared
 * PostgreSQL only through a TCP proxy of this check; the proxy is cut (listener closed, every
 * connection reset) for `downMs`, then restored. While cut: reads and /readyz answer 503
 * problem+json; commands answer 503 or are accepted and complete after. After: every process
 * reaches its state, nothing twice.
 */
export async function postgresCutCheck(o: PostgresCutOptions): Promise<CheckResult> {
  const t0 = Date.now();
  const failures: string[] = [];
  const figures: Record<string, string | number> = {};
  const cleanups: (() => Promise<unknown>)[] = [];
  let started = 0;
  let inFlight = 0;
  let lost = 0;
  let duplicated = 0;
  try {
    const [database, temporal, modular, smtp] = await Promise.all([createDatabase('pgcut', o.seedScale), startTemporal(), startModular(), startSmtp()]);
    cleanups.push(() => database.drop(), () => temporal.stop(), () => modular.stop(), () => smtp.stop());
    const pgUrl = new URL(database.url);
    const proxy = new TcpProxy(await freePort(), pgUrl.hostname, Number(pgUrl.port || 5432));
    await proxy.restore();
    cleanups.push(() => proxy.cut());
    const env = await appEnv({
      databaseUrl: database.urlVia(proxy.address),
      temporalAddress: temporal.address,
      taskQueue: 'handhaving-faults',
      modularUrl: modular.url,
      smtpUrl: smtp.url,
      deadlineOverrides: reportDeadlines(o.budgetS),
      enforcementOverrides,
    });
    let worker: Child = await startWorker('worker', env);
    let api = await startApi('api', env);
    cleanups.push(async () => {
      await stopChild(api.child);
      await stopChild(worker);
    });
    modular.setCallbackUrl(`${api.url}/modular/webhook`);
    const client = new ApiClient([api.url]);
    const procs = await plan(database.db, o.mix, 'pgcut');
    started = procs.length;
    const since = new Date(Date.now() - 1_000);
    log(`check 3: driving ${procs.length} processes; PostgreSQL (through the proxy) will be away ${o.downMs} ms`);
    const driving = driveAll(client, procs, o.concurrency);
    // Cut it once half of the processes have been started (their timers and steps then run).
    const cutBy = Date.now() + 120_000;
    while (procs.filter((p) => p.driveMs !== undefined).length < procs.length / 2 && Date.now() < cutBy) await sleep(250);
    await sleep(Math.random() * 2_000);
    inFlight = await pendingNow(database.db, procs);
    await proxy.cut();
    const downAt = Date.now();
    log(`check 3: PostgreSQL cut; ${inFlight} processes pending`);

    const probe = new ApiClient([api.url]);
    const target = procs.find((p) => p.kind === 'rungs' && p.id) ?? procs[0]!;
    const seen = { readyz503: 0, readyzNamesDb: 0, readyzOther: [] as number[], reads: new Map<number, number>(), commands: new Map<number, number>() };
    const acceptedDuringCut: { id: string; key: string }[] = [];
    let detail = '';
    let n = 0;
    while (Date.now() - downAt < o.downMs) {
      const key = `faults-pgcut-probe-${n++}`;
      const [ready, read, list, command] = await Promise.all([
        probe.once('GET', '/readyz', undefined, undefined, undefined, 10_000).catch(() => undefined),
        probe.once('GET', `/meldingen/${target.id}`, target.teamCoordinator, undefined, undefined, 30_000).catch(() => undefined),
        probe.once('GET', '/handhaving?limit=5', 'u-tc-oost-vlaanderen', undefined, undefined, 30_000).catch(() => undefined),
        probe.once('POST', '/meldingen', target.teamCoordinator, {
          source: 'derde', channel: 'webformulier', location: { locationId: target.locationId },
          description: 'Melding tijdens de storing van de databank.', categories: ['kwaliteit_pedagogisch'],
        }, key, 30_000).catch(() => undefined),
      ]);
      if (ready?.status === 503 && ready.contentType.startsWith('application/problem+json')) {
        seen.readyz503 += 1;
        detail = String(ready.body.detail ?? '');
        if (/database/i.test(detail)) seen.readyzNamesDb += 1;
      } else seen.readyzOther.push(ready?.status ?? 0);
      for (const r of [read, list]) seen.reads.set(r?.status ?? 0, (seen.reads.get(r?.status ?? 0) ?? 0) + 1);
      seen.commands.set(command?.status ?? 0, (seen.commands.get(command?.status ?? 0) ?? 0) + 1);
      if (command && (command.status === 201 || command.status === 200)) acceptedDuringCut.push({ id: String(command.body.id), key });
      await sleep(1_000);
    }
    await proxy.restore();
    log(`check 3: PostgreSQL back after ${Math.round((Date.now() - downAt) / 1000)} s`);
    // A process that died of the cut is a failure; it is restarted (as a supervisor would) so the
    // rest of the check still shows whether anything was lost or done twice.
    const crashed: string[] = [];
    const why = (c: Child) => (/Error[^\n]*\n[^\n]*\n[^\n]*/.exec(c.output())?.[0] ?? c.output().slice(-300)).replace(/\s+/g, ' ');
    if (!isAlive(worker)) {
      crashed.push(`worker exited (${worker.proc.exitCode ?? worker.proc.signalCode}): ${why(worker)}`);
      worker = await startWorker('worker', env);
    }
    if (!isAlive(api.child)) {
      crashed.push(`api exited (${api.child.proc.exitCode ?? api.child.proc.signalCode}): ${why(api.child)}`);
      api = await startApi('api', env, api.port);
    }
    figures['processes that died of the cut (restarted by the check)'] = crashed.length ? crashed.join(' | ').slice(0, 600) : 'none';
    for (const c of crashed) failures.push(`crashed during the cut: ${c.slice(0, 300)}`);
    // A command accepted during the cut must complete after: it is found in the register.
    await driving;
    const open = await awaitAll(client, database.db, procs, Math.max(120_000, o.budgetS * 3_000));
    lost = open.length;
    let acceptedFound = 0;
    for (const a of acceptedDuringCut) {
      const r = await client.call('GET', `/meldingen/${a.id}`, target.teamCoordinator, undefined, undefined, 30_000);
      if (r.status === 200) acceptedFound += 1;
    }
    await sleep(3_000);
    const dups = await duplicates(database.db, smtp, modular.url, since);
    duplicated = totalDuplicates(dups);
    const incidents = await database.db.selectFrom('incidents').select(['kind', 'status', sql<number>`count(*)::int`.as('n')]).groupBy(['kind', 'status']).execute().catch(() => []);
    const notAccepted = procs.filter((p) => p.notAccepted);
    const commandFailures = procs.filter((p) => p.commandFailures.length > 0);
    const fmt = (m: Map<number, number>) => [...m].map(([s, c]) => `${s || 'no answer'}×${c}`).join(', ');
    Object.assign(figures, {
      'processes by kind': JSON.stringify(o.mix),
      'PostgreSQL away (s)': Math.round(o.downMs / 1000),
      '/readyz while away: 503 problem+json / naming the database / other': `${seen.readyz503} / ${seen.readyzNamesDb} / ${seen.readyzOther.length}`,
      '/readyz detail': detail.slice(0, 160),
      'reads while away (GET melding, GET handhaving list)': fmt(seen.reads),
      'POST /meldingen while away': fmt(seen.commands),
      'commands accepted while away / found after': `${acceptedDuringCut.length} / ${acceptedFound}`,
      'incidents raised (kind status n)': incidents.map((i) => `${i.kind} ${i.status} ${i.n}`).join(', ') || 'none',
      'accepted by the API': procs.filter((p) => p.id).length,
      'not accepted': notAccepted.length,
      'commands failed': commandFailures.length,
      'API 503 answers to the workload (retried)': client.unavailable,
      'slowest start per kind (ms)': slowestDrive(procs),
      'e-mails at the SMTP server': smtp.received.length,
      ...dupFigures(dups),
    });
    if (seen.readyz503 === 0 || seen.readyzOther.length) failures.push(`/readyz while away: ${seen.readyz503} × 503, other ${seen.readyzOther.join(',')}`);
    if (seen.readyzNamesDb < seen.readyz503) failures.push(`/readyz did not name the database: "${detail}"`);
    const badReads = [...seen.reads.keys()].filter((s) => s !== 503);
    if (badReads.length) failures.push(`reads while away answered ${badReads.join(',')} (expected 503 problem+json)`);
    const badCommands = [...seen.commands.keys()].filter((s) => ![503, 200, 201].includes(s));
    if (badCommands.length) failures.push(`commands while away answered ${badCommands.join(',')}`);
    if (acceptedFound < acceptedDuringCut.length) failures.push(`${acceptedDuringCut.length - acceptedFound} commands accepted while away were lost`);
    if (notAccepted.length) failures.push(`${notAccepted.length} not accepted, e.g. ${notAccepted[0]!.notAccepted}`);
    if (commandFailures.length) failures.push(`${commandFailures.length} with failed commands, e.g. ${commandFailures[0]!.key}: ${commandFailures[0]!.commandFailures.join('; ')}`);
    if (lost) failures.push(`${lost} did not reach their state within the check: ${open.slice(0, 5).map((p) => `${p.kind} ${p.id}`).join(', ')}`);
    if (duplicated) failures.push(`duplicates: ${dups.details.slice(0, 8).join('; ')}`);
    if (client.badErrors.length + probe.badErrors.length) failures.push(`bad error answers: ${[...client.badErrors, ...probe.badErrors].slice(0, 3).join(' | ')}`);
  } catch (err) {
    failures.push(`check aborted: ${(err as Error).stack ?? String(err)}`);
  } finally {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => log(`cleanup: ${(e as Error).message}`));
  }
  return { id: '3', title: 'PostgreSQL away (network cut through a TCP proxy) and back', ok: failures.length === 0, started, inFlight, lost, duplicated, figures, failures, seconds: Math.round((Date.now() - t0) / 1000) };
}

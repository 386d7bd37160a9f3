import { sql } from 'kysely';
import { awaitProcesses, countOutcome, planWorkload, runCheck, startApp, startStage, whenStarted } from './harness.js';
import type { CheckResult } from './report.js';
import { type Child, freePort, isAlive, log, sleep, startApi, startWorker } from './system.js';
import { TcpProxy } from './tcp-proxy.js';
import { ApiClient, driveAll, type Mix, pendingNow, reportDeadlines } from './workload.js';

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
export function postgresCutCheck(o: PostgresCutOptions): Promise<CheckResult> {
  return runCheck({ id: '3', title: 'PostgreSQL away (network cut through a TCP proxy) and back' }, async (t) => {
    let proxy: TcpProxy | undefined;
    const stage = await startStage(t, {
      label: 'pgcut',
      seedScale: o.seedScale,
      env: { deadlineOverrides: reportDeadlines(o.budgetS) },
      async databaseUrl(database) {
        const pgUrl = new URL(database.url);
        proxy = new TcpProxy(await freePort(), pgUrl.hostname, Number(pgUrl.port || 5432));
        await proxy.restore();
        t.onCleanup(() => proxy!.cut());
        return database.urlVia(proxy.address);
      },
    });
    const { database, env } = stage;
    const app = await startApp(t, stage);
    const client = new ApiClient([app.apis[0]!.url]);
    const { procs, since } = await planWorkload(t, stage, o.mix, 'pgcut');
    log(`check 3: driving ${procs.length} processes; PostgreSQL (through the proxy) will be away ${o.downMs} ms`);
    const driving = driveAll(client, procs, o.concurrency);
    // Cut it once half of the processes have been started (their timers and steps then run).
    await whenStarted(procs, 0.5, 2_000);
    t.inFlight = await pendingNow(database.db, procs);
    await proxy!.cut();
    const downAt = Date.now();
    log(`check 3: PostgreSQL cut; ${t.inFlight} processes pending`);

    const probe = new ApiClient([app.apis[0]!.url]);
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
    await proxy!.restore();
    log(`check 3: PostgreSQL back after ${Math.round((Date.now() - downAt) / 1000)} s`);
    // A process that died of the cut is a failure; it is restarted (as a supervisor would) so the
    // rest of the check still shows whether anything was lost or done twice.
    const crashed: string[] = [];
    const why = (c: Child) => (/Error[^\n]*\n[^\n]*\n[^\n]*/.exec(c.output())?.[0] ?? c.output().slice(-300)).replace(/\s+/g, ' ');
    const worker = app.workers[0]!;
    const api = app.apis[0]!;
    if (!isAlive(worker)) {
      crashed.push(`worker exited (${worker.proc.exitCode ?? worker.proc.signalCode}): ${why(worker)}`);
      app.workers[0] = await startWorker('worker', env);
    }
    if (!isAlive(api.child)) {
      crashed.push(`api exited (${api.child.proc.exitCode ?? api.child.proc.signalCode}): ${why(api.child)}`);
      app.apis[0] = await startApi('api', env, api.port);
    }
    t.figures['processes that died of the cut (restarted by the check)'] = crashed.length ? crashed.join(' | ').slice(0, 600) : 'none';
    for (const c of crashed) t.failures.push(`crashed during the cut: ${c.slice(0, 300)}`);
    // A command accepted during the cut must complete after: it is found in the register.
    await driving;
    const open = await awaitProcesses(stage, client, procs, Math.max(120_000, o.budgetS * 3_000));
    let acceptedFound = 0;
    for (const a of acceptedDuringCut) {
      const r = await client.call('GET', `/meldingen/${a.id}`, target.teamCoordinator, undefined, undefined, 30_000);
      if (r.status === 200) acceptedFound += 1;
    }
    const incidents = await database.db.selectFrom('incidents').select(['kind', 'status', sql<number>`count(*)::int`.as('n')]).groupBy(['kind', 'status']).execute().catch(() => []);
    const fmt = (m: Map<number, number>) => [...m].map(([s, c]) => `${s || 'no answer'}×${c}`).join(', ');
    await countOutcome(t, stage, { mix: o.mix, procs, open, since, clients: [client, probe] }, {
      'PostgreSQL away (s)': Math.round(o.downMs / 1000),
      '/readyz while away: 503 problem+json / naming the database / other': `${seen.readyz503} / ${seen.readyzNamesDb} / ${seen.readyzOther.length}`,
      '/readyz detail': detail.slice(0, 160),
      'reads while away (GET melding, GET handhaving list)': fmt(seen.reads),
      'POST /meldingen while away': fmt(seen.commands),
      'commands accepted while away / found after': `${acceptedDuringCut.length} / ${acceptedFound}`,
      'incidents raised (kind status n)': incidents.map((i) => `${i.kind} ${i.status} ${i.n}`).join(', ') || 'none',
    });
    if (seen.readyz503 === 0 || seen.readyzOther.length) t.failures.push(`/readyz while away: ${seen.readyz503} × 503, other ${seen.readyzOther.join(',')}`);
    if (seen.readyzNamesDb < seen.readyz503) t.failures.push(`/readyz did not name the database: "${detail}"`);
    const badReads = [...seen.reads.keys()].filter((s) => s !== 503);
    if (badReads.length) t.failures.push(`reads while away answered ${badReads.join(',')} (expected 503 problem+json)`);
    const badCommands = [...seen.commands.keys()].filter((s) => ![503, 200, 201].includes(s));
    if (badCommands.length) t.failures.push(`commands while away answered ${badCommands.join(',')}`);
    if (acceptedFound < acceptedDuringCut.length) t.failures.push(`${acceptedDuringCut.length - acceptedFound} commands accepted while away were lost`);
  });
}

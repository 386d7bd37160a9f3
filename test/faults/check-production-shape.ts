import { awaitProcesses, countOutcome, planWorkload, runCheck, startApp, startStage } from './harness.js';
import type { CheckResult } from './report.js';
import { isAlive, kill9, log, sleep } from './system.js';
import { ApiClient, driveAll, type Mix, pendingNow, reportDeadlines } from './workload.js';

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
export function productionShapeCheck(o: ProductionShapeOptions): Promise<CheckResult> {
  return runCheck({ id: '4', title: 'production shape: migrate, 2 workers, 2 APIs; kill a worker, kill an API' }, async (t) => {
    const stage = await startStage(t, { label: 'prod', seedScale: o.seedScale, env: { deadlineOverrides: reportDeadlines(o.budgetS) } });
    const { database } = stage;
    const { workers, apis } = await startApp(t, stage, { workers: ['worker-a', 'worker-b'], apis: ['api-a', 'api-b'] });
    const client = new ApiClient(apis.map((a) => a.url));
    const { procs, since } = await planWorkload(t, stage, o.mix, 'prod');
    log(`check 4: 2 workers, 2 APIs; driving ${procs.length} processes`);

    const driving = driveAll(client, procs, o.concurrency);
    // Kill worker-a while processes are being started and timers run.
    await sleep(Math.min(15_000, 5_000 + (o.budgetS * 1000) / 2));
    t.inFlight = await pendingNow(database.db, procs);
    await kill9(workers[0]!);
    log(`check 4: kill -9 worker-a (pid ${workers[0]!.pid}); ${t.inFlight} processes pending; worker-b carries on alone`);
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
    const open = await awaitProcesses(stage, only, procs, Math.max(120_000, o.budgetS * 3_000));
    await countOutcome(t, stage, { mix: o.mix, procs, open, since, clients: [client] }, {
      'pending (side effect still due) when worker-a was killed': t.inFlight,
      'worker-a alive at the end': String(isAlive(workers[0]!)),
      'worker-b alive at the end': String(isAlive(workers[1]!)),
      'requests that hit the killed api-a (network errors, retried on api-b)': client.networkErrors - netBefore,
      'reads answered 200 by api-b alone after the kill': `${servedByB}/${Math.min(20, procs.filter((p) => p.id).length)}`,
    });
    if (!isAlive(workers[1]!)) t.failures.push('worker-b died');
    if (servedByB < Math.min(20, procs.filter((p) => p.id).length)) t.failures.push('api-b did not serve every read');
  });
}

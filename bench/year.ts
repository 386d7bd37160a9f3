/**
 * A year of Flanders in minutes (issue 15, goal 4): the agency's yearly volume driven through the
 * real API and the real workflows, with terms compressed (a day = `dayMs` ms).
 *
 *  - reports (≈1,200 × scale): one intake each on its day, 10 % crisis; picked up by the assignee
 *    (most within the deadline, some late, so escalations happen), feedback, closed with follow-ups:
 *    ≈ 21 % start an enforcement case (≈250 × scale), ≈ 12 % ask Zorginspectie for an inspection;
 *  - enforcement cases: aanmaning (shortcomings, talk, letters), after the remedy term remedied (60 %)
 *    or not, then voornemen (draft, legal review, hearing) and beslissing (schorsing or opheffing,
 *    legal review, oral notice, letters); a schorsing is lifted at its end;
 *  - inspections: ordered at the Modular simulator, which moves each order one status a day;
 *  - 12 monthly screening runs over every location, each selected dossier coded by its case manager.
 *
 * Then checks the invariants (no process lost, every deadline met or escalated, every letter once)
 * and answers what a supervisor wants to know. Every wait is bounded; the whole run by `maxMs`.
 *
 * Report deadlines: the 1-hour crisis deadline compressed with the day would be shorter than an
 * HTTP round trip, so reports get their own: crisis `crisisMs`, regular `regularMs`.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import { addDays, localDateOf } from '../workflows/clock/brussels-time.js';
import { cpuMeter, devServerPid } from './cpu.js';
import { type BenchDatabase, type BenchServer, log, percentile, startBenchSystem } from './system.js';
import { mulberry32 } from '../test/support/prng.js';
import { crisisRungs, reportRungs, secondsDeadline } from '../test/support/deadlines.js';
import { meldingWorkflowId } from '../workflows/melding/definitions.js';

export interface YearOptions {
  scale: number;
  dayMs: number;
  /** Days simulated (365 for a year). */
  days: number;
  /** Report deadlines in real ms (see above). */
  crisisMs: number;
  regularMs: number;
  /** Bound of the whole run, including the drain after the last day. */
  maxMs: number;
  /** Share of reports picked up after their deadline (they must escalate). */
  lateShare: number;
}

export const yearDefaults: YearOptions = { scale: 1, dayMs: 1_000, days: 365, crisisMs: 5_000, regularMs: 10_000, maxMs: 9.5 * 60_000, lateShare: 0.1 };

export interface YearResult {
  options: YearOptions;
  seconds: number;
  counts: Record<string, number>;
  intake: { p50: number; p99: number; count: number };
  invariants: { name: string; ok: boolean; detail: string }[];
  supervisor: string[];
  driverErrors: { count: number; samples: string[] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

interface CaseView {
  id: string;
  status: string;
  caseManagerId: string | null;
  teamId: string;
  live: { status: string; current: { flow: string; block: string; data: Record<string, unknown> } | null } | null;
}

export async function runYear(server: BenchServer, database: BenchDatabase, opts: YearOptions): Promise<YearResult> {
  const rnd = mulberry32(20261201); // the run is repeatable in its choices
  const dayMs = opts.dayMs;
  const deadlineOverrides = {
    report_follow_up: secondsDeadline(opts.regularMs, ...reportRungs(Math.round(opts.regularMs / 3), Math.round(opts.regularMs / 2))),
    crisis_report_acknowledgement: secondsDeadline(opts.crisisMs, ...crisisRungs(Math.round(opts.crisisMs / 3), Math.round(opts.crisisMs / 2))),
  };
  const sys = await startBenchSystem({
    server, database, deadlineOverrides,
    enforcementOverrides: { compressDayMs: dayMs, hearingTermWorkingDays: 5, objectionTermDays: 10, mentesContactWorkingDays: 5, reminderBeforeMs: Math.max(50, Math.round(dayMs / 2)) },
    modularStepMs: dayMs * 3,
    screeningSelectionSize: Math.round(100 * opts.scale),
  });
  const run = randomBytes(3).toString('hex');
  const cpu = cpuMeter(devServerPid(server.dev.address));
  const t0 = Date.now();
  const stopAt = t0 + opts.maxMs;
  const simDay = () => (Date.now() - t0) / dayMs;
  const days = (n: number) => sleep(n * dayMs);
  const inDays = (n: number) => addDays(localDateOf(Date.now()), n);

  // ----- HTTP, bounded in concurrency ----------------------------------------------------------
  let inFlight = 0;
  const queue: (() => void)[] = [];
  const maxInFlight = 6;
  const errors: string[] = [];
  let errorCount = 0;
  const errorKinds = new Map<string, number>();
  const fail = (what: string, err: unknown) => {
    errorCount += 1;
    const message = err instanceof Error ? err.message : String(err);
    const kind = message.replace(/[A-Z]+-[A-Z0-9-]+|\d+/g, '#').slice(0, 90);
    errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
    if (errors.length < 12) errors.push(`${what}: ${message}`.slice(0, 300));
  };
  /** Commands go at once (they are what a user does); polls wait for one of `maxInFlight` slots. */
  let stopped = false;
  async function call<T>(method: 'GET' | 'POST', path: string, as: string, json?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    if (stopped || Date.now() > stopAt) throw new Error('the run is over');
    const polling = method === 'GET';
    if (polling && inFlight >= maxInFlight) await new Promise<void>((r) => queue.push(r));
    if (polling) inFlight += 1;
    try {
      const res = await fetch(`${sys.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${sys.token(as)}`, ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: json !== undefined ? JSON.stringify(json) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    } finally {
      if (polling) {
        inFlight -= 1;
        queue.shift()?.();
      }
    }
  }
  /**
   * As a real client does with a 503 (it carries Retry-After: the process's state could not be read
   * in time, or Temporal or the database was away; nothing was changed): wait and send it again,
   * at most 4 times. Counted (`retried503`): each one is the system saying it is overloaded.
   */
  let commandsSent = 0;
  async function callRetrying<T>(method: 'GET' | 'POST', path: string, as: string, json?: unknown): Promise<{ status: number; body: T }> {
    // A command carries an Idempotency-Key, as the UI's do: a 503 may come after the Update was
    // admitted, and the resend must count once (without a key it would meet its own first attempt: 409).
    const headers: Record<string, string> = method === 'POST' ? { 'idempotency-key': `year-${run}-cmd-${++commandsSent}` } : {};
    let res = await call<T>(method, path, as, json, headers);
    for (let attempt = 1; res.status === 503 && attempt <= 4; attempt++) {
      tally.retried503 += 1;
      await sleep(1_000 * attempt);
      res = await call<T>(method, path, as, json, headers);
    }
    return res;
  }
  async function ok<T>(method: 'GET' | 'POST', path: string, as: string, json?: unknown): Promise<T> {
    const res = await callRetrying<T>(method, path, as, json);
    if (res.status >= 300) throw new Error(`${method} ${path} as ${as}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    return res.body;
  }
  /** Polls (every day, at least every second) until `check` holds; bounded by `maxDays` and the run. */
  async function until<T>(get: () => Promise<T>, check: (v: T) => boolean, maxDays: number, what: string, minMs = 0): Promise<T> {
    const end = Math.min(Date.now() + Math.max(maxDays * dayMs, minMs), stopAt);
    for (;;) {
      const v = await get();
      if (check(v)) return v;
      if (Date.now() > end) throw new Error(`waited ${maxDays} days for ${what}`);
      await sleep(Math.max(2_000, 2 * dayMs));
    }
  }

  // ----- reference data ------------------------------------------------------------------------
  const dossiers = await database.db.selectFrom('dossiers').innerJoin('locations', 'locations.id', 'dossiers.location_id')
    .select(['dossiers.location_id', 'dossiers.team_id', 'dossiers.case_manager_id'])
    .where('dossiers.case_manager_id', 'is not', null).where('locations.licence_status', '=', 'actief').orderBy('dossiers.id').execute();
  const shuffled = [...dossiers].sort(() => rnd() - 0.5);
  // Each enforcement case on its own location (one case per location); reports elsewhere at random.
  let nextCaseLocation = 0;
  const tcOf = (teamId: string | null) => (teamId ? `u-tc-${teamId.replace(/^team-/, '')}` : 'u-admin');

  const tally = {
    reports: 0, crisis: 0, intakeFailed: 0, intakeRetried: 0, acknowledged: 0, acknowledgedLate: 0, closed: 0,
    casesStarted: 0, remedied: 0, voornemen: 0, schorsing: 0, opheffing: 0, lifted: 0, inspectionsAsked: 0,
    screeningRuns: 0, screeningCoded: 0, retried503: 0,
  };
  const intakeTimes: number[] = [];
  /** Report → when it was due and when (if) it was picked up, for the deadline invariant. */
  const deadlines = new Map<string, { dueAt: number | null; ackAt: number | null }>();
  const actors: Promise<void>[] = [];

  // ----- a report ------------------------------------------------------------------------------
  async function reportActor(i: number) {
    const crisis = rnd() < 0.1;
    const followUpDraw = rnd();
    const startsCase = followUpDraw < 0.21 && nextCaseLocation < shuffled.length;
    const asksInspection = !startsCase && followUpDraw < 0.33;
    const target = startsCase ? shuffled[nextCaseLocation++]! : dossiers[Math.floor(rnd() * dossiers.length)]!;
    const late = rnd() < opts.lateShare;
    const body = crisis
      ? { source: 'voorziening', channel: 'telefoon', location: { locationId: target.location_id }, description: 'Een kind werd vastgebonden in een stoel tijdens het middagdutje.', categories: ['vastbinden'], immediateDanger: true }
      : { source: 'derde', channel: 'webformulier', reporter: { name: 'Sam Janssens', email: 'sam.janssens@voorbeeld.test' }, location: { locationId: target.location_id }, description: 'Ouders melden dat er te weinig begeleiders zijn.', categories: ['kwaliteit_pedagogisch'], immediateDanger: false };
    const started = performance.now();
    type Intake = { id: string; dueAt: string | null; assigneeId: string | null; teamId: string | null; triage: string };
    let res = await call<Intake>('POST', '/meldingen', tcOf(target.team_id), body, { 'idempotency-key': `year-${run}-${i}` });
    // As a real client does: a 5xx is retried with the same key (answers 200 if it was registered).
    for (let attempt = 1; res.status >= 500 && attempt <= 4; attempt++) {
      tally.intakeRetried += 1;
      await sleep(500 * attempt);
      res = await call<Intake>('POST', '/meldingen', tcOf(target.team_id), body, { 'idempotency-key': `year-${run}-${i}` });
    }
    if (res.status !== 201 && res.status !== 200) {
      tally.intakeFailed += 1;
      throw new Error(`intake ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    intakeTimes.push(performance.now() - started);
    tally.reports += 1;
    if (res.body.triage === 'crisis') tally.crisis += 1;
    const m = res.body;
    const due = m.dueAt ? Date.parse(m.dueAt) : null;
    const record = { dueAt: due, ackAt: null as number | null };
    deadlines.set(m.id, record);
    const handler = m.assigneeId ?? tcOf(m.teamId);
    const budget = due ? due - Date.now() : opts.regularMs;
    await sleep(late ? budget + (m.triage === 'crisis' ? opts.crisisMs : opts.regularMs) : rnd() * budget * 0.4);
    await ok('POST', `/meldingen/${m.id}/acknowledge`, handler, { note: 'Opgenomen.' });
    record.ackAt = Date.now();
    tally.acknowledged += 1;
    if (due && record.ackAt > due) tally.acknowledgedLate += 1;
    await days(1 + rnd() * 2);
    await ok('POST', `/meldingen/${m.id}/feedback`, handler, { channel: 'telefoon', message: 'We volgen uw melding op.' });
    await days(1 + rnd() * 4);
    const followUps = startsCase ? [{ kind: 'handhaving_gestart' }] : asksInspection ? [{ kind: 'inspectie_gevraagd', note: 'Bezoek ter plaatse' }] : [{ kind: rnd() < 0.5 ? 'toegevoegd_aan_dossier' : 'geen_gevolg' }];
    await ok('POST', `/meldingen/${m.id}/close`, handler, { followUps });
    tally.closed += 1;
    if (asksInspection) tally.inspectionsAsked += 1;
    if (startsCase) await caseActor(target.location_id);
  }

  // ----- an enforcement case -------------------------------------------------------------------
  async function caseActor(locationId: string) {
    // The case workers watch the register (as the UI's lists do), not the live state: a live read
    // is a query that the worker must answer, and hundreds of polling actors would be most of its load.
    const register = () => database.db.selectFrom('enforcement_cases').select(['id', 'status', 'step', 'block', 'case_manager_id', 'team_id'])
      .where('location_id', '=', locationId).orderBy('opened_at', 'desc').executeTakeFirst();
    const found = (await until(register, (r) => r !== undefined && r.status === 'open', 60, `the case of ${locationId}`))!;
    const id = found.id;
    tally.casesStarted += 1;
    const kb = found.case_manager_id ?? 'u-admin';
    const tc = tcOf(found.team_id);
    const atStep = (flow: string, block?: string) =>
      until(register, (c) => c?.step === flow && (block === undefined || c.block === block), 60, `${id} at ${flow}/${block ?? '*'}`);
    // The register shows a step as soon as the case starts it; its flow may take commands a moment
    // later (409 until then): retried, as a case manager would.
    const cmd = async (path: string, as: string, json: unknown) => {
      // Bounded in real time too: a flow that takes commands late is the worker's backlog, not the case's days.
      const res = await until(() => callRetrying<CaseView>('POST', `/handhaving/${id}/${path}`, as, json), (r) => r.status !== 409, 10, `${id} ${path} accepted`, 60_000);
      if (res.status >= 300) throw new Error(`POST /handhaving/${id}/${path} as ${as}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      return res.body;
    };
    /** A command the flow refuses (409) until its moment has come (a term that has to pass). */
    const cmdWhenDue = (path: string, as: string, json: unknown, what: string) =>
      until(async () => (await callRetrying('POST', `/handhaving/${id}/${path}`, as, json)).status, (st) => st === 200, 60, `${id} ${what}`);

    await atStep('aanmaning');
    await cmd('shortcomings', kb, { shortcomings: ['Te weinig begeleiders voor het aantal kinderen'], remedyBy: inDays(14) });
    await cmd('talk', kb, { at: new Date().toISOString(), summary: 'Gesprek met de verantwoordelijke over de tekortkomingen.' });
    await days(14);
    if (rnd() < 0.6) {
      await cmdWhenDue('remedy-outcome', kb, { remedied: true, evidence: 'Herinspectie: in orde.' }, 'remedied');
      tally.remedied += 1;
      await until(register, (c) => c?.status === 'closed', 30, `${id} closed`);
      return;
    }
    await cmdWhenDue('remedy-outcome', kb, { remedied: false, evidence: 'Herinspectie: niet hersteld.' }, 'not remedied after the term');
    tally.voornemen += 1;
    const decision = rnd() < 0.7 ? 'schorsing' : 'opheffing';
    await atStep('voornemen');
    await cmd('draft', kb, { decision, text: 'Ondanks de aanmaning zijn de tekortkomingen niet hersteld.' });
    await cmd('review', 'u-jur-1', { approve: true, remarks: 'Juridisch in orde.' });
    await atStep('voornemen', 'opvolging');
    await cmd('hearing', kb, { action: 'requested', at: new Date().toISOString(), note: 'De organisator vraagt gehoord te worden.' });
    await cmd('hearing', kb, { action: 'report', at: new Date().toISOString(), note: 'Verslag van de hoorzitting.' });
    await cmd('conclude-hearing', kb, { proceed: true, reason: 'De hoorzitting bevestigt de tekortkomingen.' });
    await atStep('beslissing');
    await cmd('decision', kb, {
      decision, motivation: 'Interne motivering.', publicMotivation: 'De veiligheid van de kinderen is niet gewaarborgd.',
      date: inDays(decision === 'schorsing' ? 20 : 5), integrityHarmed: false,
    });
    await cmd('review', 'u-jur-1', { approve: true, remarks: 'Akkoord.' });
    await atStep('beslissing', 'communicatie');
    await cmd('oral-notice', kb, { at: new Date().toISOString(), note: 'Telefonisch verwittigd.' });
    await atStep('beslissing', 'opvolging');
    if (decision === 'opheffing') {
      tally.opheffing += 1;
      return;
    }
    tally.schorsing += 1;
    await days(21);
    // The suspension's end asks for a verification; lift it (retried while the end is not yet reached).
    await until(async () => (await callRetrying('POST', `/handhaving/${id}/suspension-end`, tc, { action: 'lift', verification: 'Herinspectie: voldoende begeleiders.' })).status, (s) => s === 200, 30, `${id} suspension end`);
    tally.lifted += 1;
  }

  // ----- a month's screening ---------------------------------------------------------------------
  async function screeningActor(monthIndex: number) {
    const month = `2026-${String(monthIndex + 1).padStart(2, '0')}`;
    const res = await callRetrying('POST', '/screening-runs', 'u-admin', { month });
    if (res.status !== 202) throw new Error(`screening run ${month}: ${res.status}`);
    await until(() => database.db.selectFrom('screening_runs').select('status').where('month', '=', month).executeTakeFirst(), (r) => r?.status === 'afgerond', 90, `screening ${month}`);
    tally.screeningRuns += 1;
    // Each task's assignee finds it in their work list; the simulation reads the register instead.
    const tasks = (await database.db.selectFrom('screening_tasks').select(['id', 'assignee_id', 'team_id']).where('month', '=', month).execute())
      .map((t) => ({ id: t.id, assigneeId: t.assignee_id, teamId: t.team_id }));
    await Promise.all(tasks.map(async (task) => {
      await days(1 + rnd() * 8);
      const draw = rnd();
      const code = draw < 0.7 ? 'geen_risico' : draw < 0.9 ? 'risico' : 'verder_onderzoek_nodig';
      await ok('POST', `/screening-tasks/${task.id}/code`, task.assigneeId ?? tcOf(task.teamId), { code, motivation: 'Dossier bekeken: motivering van de codering.' });
      tally.screeningCoded += 1;
    }));
  }

  // ----- the year --------------------------------------------------------------------------------
  const reports = Math.round(1_200 * opts.scale);
  const arrivals = Array.from({ length: reports }, () => rnd() * opts.days).sort((a, b) => a - b);
  // Monthly: 12 in a year, fewer in a shorter run.
  const screenings = Array.from({ length: Math.max(1, Math.min(12, Math.round((12 * opts.days) / 365))) }, (_, k) => k * (365 / 12) + 0.5);
  const guard = (what: string, p: Promise<void>) => actors.push(p.catch((err) => fail(what, err)));
  log(`  year: ${reports} reports, ${screenings.length} screenings, a day = ${dayMs} ms (${((opts.days * dayMs) / 1000).toFixed(0)} s), bounded by ${(opts.maxMs / 1000).toFixed(0)} s`);
  let r = 0;
  let s = 0;
  let lastLog = 0;
  while (simDay() < opts.days && Date.now() < stopAt) {
    const now = simDay();
    while (r < arrivals.length && arrivals[r]! <= now) {
      const i = r++;
      guard(`report ${i}`, reportActor(i));
    }
    while (s < screenings.length && screenings[s]! <= now) {
      const k = s++;
      guard(`screening ${k}`, screeningActor(k));
    }
    if (now - lastLog >= 60) {
      lastLog = now;
      log(`  day ${Math.floor(now)}: ${tally.reports} reports, ${tally.casesStarted} cases, ${tally.screeningRuns} screenings, ${errorCount} driver errors, ` +
        `${inFlight} requests in flight, ${tally.retried503} commands sent again after a 503; ${cpu.since()}`);
    }
    await sleep(Math.min(50, dayMs / 4));
  }
  // Drain: what started in the year may finish, bounded by the run.
  await Promise.race([Promise.all(actors), sleep(Math.max(0, stopAt - Date.now()))]);
  stopped = true;
  const seconds = (Date.now() - t0) / 1000;
  log(`  simulated ${Math.min(opts.days, Math.floor(simDay()))} days in ${seconds.toFixed(0)} s; checking invariants`);

  // ----- invariants ------------------------------------------------------------------------------
  const invariants: YearResult['invariants'] = [];
  const statuses = new Map<string, number>();
  const workflowIds = new Set<string>();
  for await (const wf of sys.temporal.workflow.list({ query: `TaskQueue = "${sys.taskQueue}"` })) {
    statuses.set(wf.status.name, (statuses.get(wf.status.name) ?? 0) + 1);
    workflowIds.add(wf.workflowId);
  }
  const failed = ['FAILED', 'TERMINATED', 'TIMED_OUT', 'CANCELLED'].reduce((n, k) => n + (statuses.get(k) ?? 0), 0);
  // A screening task's row is written before its run starts the task's workflow (in batches): a run
  // still opening its tasks when the year ends has rows without a workflow that are not lost. The
  // same holds for a report whose start is still queued after its intake (docs/meldingen.md).
  type Row = { workflow_id: string; kind: string; opening: boolean };
  const registered = await sql<Row>`
    select workflow_id, 'melding' as kind, exists (select 1 from melding_starts s where s.melding_id = meldingen.id) as opening from meldingen where created_at >= ${new Date(t0)}
    union all select workflow_id, 'handhaving', false from enforcement_cases where opened_at >= ${new Date(t0)}
    union all select workflow_id, 'inspectie', false from inspections where requested_at >= ${new Date(t0)}
    union all select t.workflow_id, 'screening', coalesce(r.status <> 'afgerond', true) from screening_tasks t left join screening_runs r on r.month = t.month
     where t.created_at >= ${new Date(t0)}`.execute(database.db);
  // The list above is Temporal's visibility, which lags the histories: a row whose workflow it does
  // not show is asked for directly (describe) before it counts as lost.
  const notListed = registered.rows.filter((row) => !workflowIds.has(row.workflow_id));
  const missing: Row[] = [];
  let confirmed = 0;
  for (let i = 0; i < notListed.length; i += 8) {
    await Promise.all(notListed.slice(i, i + 8).map(async (row) => {
      if (confirmed >= 1_000) {
        missing.push(row);
        return;
      }
      confirmed += 1;
      const found = await sys.temporal.workflow.getHandle(row.workflow_id).describe().then(() => true, () => false);
      if (!found) missing.push(row);
    }));
  }
  const opening = missing.filter((row) => row.opening);
  const lost = missing.filter((row) => !row.opening);
  const openIncidents = Number((await sql<{ n: string }>`select count(*) as n from incidents where status <> 'opgelost'`.execute(database.db)).rows[0]!.n);
  invariants.push({
    name: 'no process lost',
    ok: failed === 0 && lost.length === 0 && openIncidents === 0 && tally.intakeFailed === 0,
    detail: `${workflowIds.size} workflows (${[...statuses].map(([k, v]) => `${k.toLowerCase()} ${v}`).join(', ')}); ` +
      `${registered.rows.length} register rows, ${lost.length} without a workflow${lost.length ? ` (e.g. ${lost[0]!.kind} ${lost[0]!.workflow_id})` : ''}` +
      `${opening.length ? ` (and ${opening.length} not started yet: ${opening.filter((r) => r.kind === 'melding').length} reports with their start queued, ` +
        `${opening.filter((r) => r.kind === 'screening').length} screening tasks of a run still opening its tasks)` : ''}; ` +
      `${openIncidents} open incidents; ${tally.intakeFailed} intakes refused after retries (${tally.intakeRetried} retries of a 5xx)`,
  });
  // By the product's own record where it has one: the due moment the intake answered, and the
  // register's first pick-up (`picked_up_at`: the API's receipt), not when the driver's request
  // returned: a pick-up sent in time whose answer came back late was in time. (The register's
  // `due_at` is cleared once a report is picked up, so it cannot serve.) A late pick-up the
  // workflow got before its worker had fired the rungs that had passed keeps them in its audit
  // record (`passedRungs`, docs/meldingen.md) instead of sending them after the fact.
  type Outcome = 'met' | 'escalated' | 'recorded' | 'pending' | 'pickedUpUnrecorded' | 'open';
  async function outcomes(ids: string[] | null): Promise<Map<string, { outcome: Outcome; escalatedAt: number | null }>> {
    const only = (col: string) => (ids ? sql`${sql.ref(col)} in (${sql.join(ids)})` : sql`true`);
    const escalations = new Map((await sql<{ subject_id: string; first: Date }>`
      select subject_id, min(created_at) as first from outbox_messages
       where channel = 'intern' and subject_type = 'melding' and idempotency_key like 'escalation:%' and ${only('subject_id')}
       group by subject_id`.execute(database.db)).rows.map((row) => [row.subject_id, new Date(row.first).getTime()]));
    const pickUps = new Map((await sql<{ id: string; picked_up_at: Date | null }>`
      select id, picked_up_at from meldingen where created_at >= ${new Date(t0)} and ${only('id')}`.execute(database.db)).rows
      .map((row) => [row.id, row.picked_up_at ? new Date(row.picked_up_at).getTime() : null]));
    const passed = new Set((await sql<{ subject_id: string }>`
      select subject_id from audit_log
       where action = 'melding.acknowledged' and jsonb_array_length(coalesce(details -> 'passedRungs', '[]'::jsonb)) > 0
         and occurred_at >= ${new Date(t0)} and ${only('subject_id')}`.execute(database.db)).rows.map((row) => row.subject_id));
    const now = Date.now();
    const result = new Map<string, { outcome: Outcome; escalatedAt: number | null }>();
    for (const id of ids ?? deadlines.keys()) {
      const d = deadlines.get(id)!;
      if (d.dueAt === null) continue;
      const pickedUp = pickUps.get(id) ?? (ids ? null : d.ackAt);
      const escalatedAt = escalations.get(id) ?? null;
      // A report not picked up whose due moment is under 5 s ago may still escalate.
      const outcome: Outcome = pickedUp !== null && pickedUp <= d.dueAt ? 'met'
        : escalatedAt !== null ? 'escalated'
        : pickedUp !== null && passed.has(id) ? 'recorded'
        : pickedUp === null && d.dueAt > now - 5_000 ? 'pending'
        : pickedUp !== null ? 'pickedUpUnrecorded' : 'open';
      result.set(id, { outcome, escalatedAt });
    }
    return result;
  }
  const outcome = await outcomes(null);
  // The year's terms are a second or less, so a worker behind by more than the 5 s above when the
  // driver stops (the machine at its limit) has not yet handled the last reports' rungs, nor the
  // pick-ups the API took before the stop. Such a report waits (60 s at the most) for its
  // escalation or its pick-up before it counts as neither; what settled after the stop, and how
  // late the escalations came after their due moments (in real time), is reported.
  const settledLate = new Map<Outcome, number>();
  let latestEscalationMs = 0;
  const unsettled = () => [...outcome].filter(([, o]) => o.outcome === 'open').map(([id]) => id);
  for (const waitUntil = Date.now() + 60_000; unsettled().length > 0 && Date.now() < waitUntil; await sleep(1_000)) {
    for (const [id, o] of await outcomes(unsettled())) {
      if (o.outcome === 'open' || o.outcome === 'pending') continue;
      outcome.set(id, o);
      settledLate.set(o.outcome, (settledLate.get(o.outcome) ?? 0) + 1);
      if (o.escalatedAt !== null) latestEscalationMs = Math.max(latestEscalationMs, o.escalatedAt - deadlines.get(id)!.dueAt!);
    }
  }
  const tallyOf = (kind: Outcome) => [...outcome.values()].filter((o) => o.outcome === kind).length;
  const idsOf = (kind: Outcome) => [...outcome].filter(([, o]) => o.outcome === kind).map(([id]) => id);
  const missedPickedUp = idsOf('pickedUpUnrecorded');
  const missedOpen = idsOf('open');
  const missed = [...missedPickedUp, ...missedOpen];
  const diagnosis = await Promise.all(missedOpen.slice(0, 3).map((id) => whyNotEscalated(sys.temporal, id)));
  const settledAs: Partial<Record<Outcome, string>> = { met: 'picked up in time', escalated: 'escalated', recorded: 'picked up late with the passed rungs recorded' };
  const late = [...settledLate].map(([kind, n]) => `${n} ${settledAs[kind]}`);
  invariants.push({
    name: 'every deadline met or escalated',
    ok: missed.length === 0,
    detail: `${tallyOf('met')} met, ${tallyOf('escalated')} escalated` +
      `, ${tallyOf('recorded')} picked up late before their worker fired the passed rungs (kept in the pick-up's record), ` +
      `${tallyOf('pending')} not yet due to escalate, ${missed.length} neither` +
      (late.length ? `; settled after the driver stopped (the worker's backlog): ${late.join(', ')}` +
        (latestEscalationMs ? `, the latest escalation ${(latestEscalationMs / 1000).toFixed(1)} s after its due moment` : '') : '') +
      (missed.length ? ` (${missedPickedUp.length} picked up late with no rung sent or recorded, e.g. ${missedPickedUp[0] ?? '-'}; ${missedOpen.length} never picked up, e.g. ${missedOpen[0] ?? '-'})` : '') +
      diagnosis.map((d) => `\n     ${d}`).join(''),
  });
  const duplicates = await sql<{ subject_id: string; template: string; channel: string; n: string }>`
    select subject_id, template, channel, count(*) as n from outbox_messages
     where subject_type = 'handhaving' and channel <> 'intern' and created_at >= ${new Date(t0)}
     group by subject_id, template, channel, recipient_address, recipient_user_id having count(*) > 1`.execute(database.db);
  const letters = Number((await sql<{ n: string }>`select count(*) as n from outbox_messages where subject_type = 'handhaving' and channel <> 'intern' and created_at >= ${new Date(t0)}`.execute(database.db)).rows[0]!.n);
  invariants.push({ name: 'every letter once', ok: duplicates.rows.length === 0, detail: `${letters} letters to organisers, parents and others; ${duplicates.rows.length} sent twice to the same recipient${duplicates.rows.length ? ` (e.g. ${duplicates.rows[0]!.template} of ${duplicates.rows[0]!.subject_id})` : ''}` });

  // ----- what a supervisor wants to know --------------------------------------------------------
  const supervisor: string[] = [];
  const slack = [...deadlines.values()].filter((d) => d.ackAt && d.dueAt).map((d) => d.dueAt! - d.ackAt!);
  const register = (await sql<{ picked: string; escalated: string; messages: string }>`
    select (select count(*) from meldingen where created_at >= ${new Date(t0)} and picked_up_at is not null) as picked,
           count(distinct subject_id) as escalated, count(*) as messages
      from outbox_messages where channel = 'intern' and subject_type = 'melding' and idempotency_key like 'escalation:%' and created_at >= ${new Date(t0)}`.execute(database.db)).rows[0]!;
  const pickedUpInRegister = Number(register.picked);
  supervisor.push(`Deadlines: ${tally.reports} reports (${tally.crisis} crisis); picked up ${pickedUpInRegister} (the register), of which ${tallyOf('met')} within the deadline ` +
    `(${((100 * tallyOf('met')) / Math.max(1, pickedUpInRegister)).toFixed(1)} %; as the driver saw its answers come back: ${tally.acknowledged - tally.acknowledgedLate} of ${tally.acknowledged}); ${register.escalated} reports escalated ` +
    `(${register.messages} escalation messages); median slack at pick-up ${(percentile(slack, 50) / 1000).toFixed(1)} s before the due moment; ` +
    `${tally.retried503} commands sent again after a 503.`);
  const funnel = await sql<{ flow: string; result: string | null; n: string }>`
    select s ->> 'flow' as flow, s -> 'outcome' ->> 'result' as result, count(*) as n
      from enforcement_cases c cross join lateral jsonb_array_elements(c.steps) s
     where c.opened_at >= ${new Date(t0)} group by 1, 2 order by 1, 2`.execute(database.db);
  const caseStatus = await sql<{ status: string; n: string }>`select status, count(*) as n from enforcement_cases where opened_at >= ${new Date(t0)} group by 1`.execute(database.db);
  supervisor.push(`Enforcement funnel: ${caseStatus.rows.map((x) => `${x.n} ${x.status}`).join(', ')}; steps ${funnel.rows.map((x) => `${x.flow}:${x.result ?? 'running'} ${x.n}`).join(', ')}; ` +
    `driven: ${tally.casesStarted} cases, ${tally.remedied} remedied at the aanmaning, ${tally.voornemen} to voornemen, ${tally.schorsing} schorsing (${tally.lifted} lifted), ${tally.opheffing} opheffing.`);
  const inspections = await sql<{ status: string; n: string }>`select status, count(*) as n from inspections where requested_at >= ${new Date(t0)} group by 1 order by 1`.execute(database.db);
  supervisor.push(`Inspections: ${inspections.rows.map((x) => `${x.n} ${x.status}`).join(', ') || 'none'} (${tally.inspectionsAsked} asked by reports; the rest by screening codes).`);
  const screening = await sql<{ month: string; selected: string; risico: string; geen: string; verder: string; open: string }>`
    select month, count(*) as selected, count(*) filter (where code = 'risico') as risico, count(*) filter (where code = 'geen_risico') as geen,
           count(*) filter (where code = 'verder_onderzoek_nodig') as verder, count(*) filter (where status = 'open') as open
      from screening_tasks where month like '2026-%' group by month order by month`.execute(database.db);
  supervisor.push(`Screening: ${screening.rows.map((x) => `${x.month} ${x.selected} selected (${x.risico} risico, ${x.geen} geen risico, ${x.verder} verder onderzoek, ${x.open} open)`).join('; ')}.`);
  const counts = { ...tally, letters, workflows: workflowIds.size };
  log(`  invariants checked after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  // Under overload the API's close waits for requests still in flight (updates the worker has not
  // answered): bounded, so that the figures are printed; the caller drops the database and server.
  await Promise.race([sys.stop(), sleep(30_000)]);
  return {
    options: opts, seconds, counts, invariants, supervisor,
    intake: { p50: percentile(intakeTimes, 50), p99: percentile(intakeTimes, 99), count: intakeTimes.length },
    driverErrors: { count: errorCount, samples: [...[...errorKinds].map(([k, n]) => `${n}× ${k}`), ...errors].slice(0, 12) },
  };
}

export function printYear(result: YearResult): string[] {
  const lines = [
    `Year of Flanders at ${result.options.scale}× (a day = ${result.options.dayMs} ms): ${result.seconds.toFixed(0)} s; intake p50 ${result.intake.p50.toFixed(0)} ms, p99 ${result.intake.p99.toFixed(0)} ms over ${result.intake.count} reports`,
    ...result.invariants.map((i) => `${i.ok ? 'OK  ' : 'FAIL'} ${i.name}: ${i.detail}`),
    ...result.supervisor,
    `Driver errors (the simulation's own waits and commands): ${result.driverErrors.count}${result.driverErrors.samples.length ? `; first: ${result.driverErrors.samples.slice(0, 3).join(' | ')}` : ''}`,
  ];
  for (const line of lines) log(`  ${line}`);
  return lines;
}

/**
 * Where a report that neither was picked up nor escalated stands in its workflow: its status, what
 * it waits on (pending activities with their attempts) and its events, timed from its start.
 */
async function whyNotEscalated(temporal: Client, meldingId: string): Promise<string> {
  try {
    const handle = temporal.workflow.getHandle(meldingWorkflowId(meldingId));
    const d = await handle.describe();
    const pending = (d.raw.pendingActivities ?? []).map((a) =>
      `${a.activityType?.name} attempt ${a.attempt} ${a.state}${a.lastFailure?.message ? ` (${a.lastFailure.message.slice(0, 120)})` : ''}`);
    const events = (await handle.fetchHistory()).events ?? [];
    const t0 = Number(events[0]?.eventTime?.seconds ?? 0) * 1000;
    const all = events.map((e) => {
      const type = Object.entries(e).find(([k, v]) => k.endsWith('EventAttributes') && v)?.[0].replace(/EventAttributes$/, '') ?? String(e.eventType);
      const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
      return `${type} +${((at - t0) / 1000).toFixed(1)}s`;
    });
    return `${meldingId}: ${d.status.name}, ${events.length} events; pending: ${pending.join('; ') || 'none'}; started ${new Date(t0).toISOString().slice(11, 19)}: ${all.join(', ')}`;
  } catch (err) {
    return `${meldingId}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { addDays, localDateOf } from '../../workflows/clock/brussels-time.js';
import type { TestSystem } from './harness.js';
import { eventually } from './melding-helpers.js';

/** Day terms compressed to this many ms (ENFORCEMENT_OVERRIDES.compressDayMs). */
export const DAY = 1_500;
export const enforcementOverrides = {
  compressDayMs: DAY,
  hearingTermWorkingDays: 2,
  objectionTermDays: 2,
  mentesContactWorkingDays: 2,
  reminderBeforeMs: 500,
};

export interface CaseView {
  id: string;
  status: string;
  step: string | null;
  block: string;
  urgent: boolean;
  waitingFor: string | null;
  dueAt: string | null;
  closedReason: string | null;
  live: {
    status: string;
    milestones: { kind: string; note?: string }[];
    steps: { flow: string; workflowId?: string; outcome: { result: string } | null }[];
    current: {
      flow: string;
      block: string;
      waitingFor: string;
      data: Record<string, unknown>;
      communications: { recipient: string; channel: string; kind: string }[];
      deadlines: { id: string; dueAt: string }[];
    } | null;
    urgentProposal?: { milestoneId: string; note: string; decided?: { confirmed: boolean; reason: string } } | null;
  } | null;
  type?: string;
  detail?: string;
}

export const kb = 'u-kb-west-vlaanderen-1';
/** The case manager's team: cases are commanded within it (docs/access.md). */
export const kbTeam = 'team-west-vlaanderen';
export const tc = 'u-tc-west-vlaanderen';
export const jurist = 'u-jur-1';

/**
 * `n` days from today as 'YYYY-MM-DD' (compressed terms count whole days from today). Today in
 * Brussels, as the flows count it: the UTC date is a day behind between midnight and 01:00/02:00.
 */
export function inDays(n: number): string {
  return addDays(localDateOf(Date.now()), n);
}

/**
 * Hands out active locations of the case manager's team one at a time, in dossier order: each
 * case its own location (a case's workflow id is its location's).
 */
export async function kbTeamLocations(sys: TestSystem, limit = 12): Promise<() => { location_id: string; team_id: string; capacity: number }> {
  const rows = await sys.db
    .selectFrom('dossiers as d')
    .innerJoin('locations as l', 'l.id', 'd.location_id')
    .select(['d.location_id', 'd.team_id', 'l.capacity'])
    .where('l.licence_status', '=', 'actief')
    .where('d.team_id', '=', kbTeam)
    .orderBy('d.id')
    .limit(limit)
    .execute();
  let next = 0;
  return () => {
    const row = rows[next++];
    if (!row) throw new Error(`only ${rows.length} active locations in ${kbTeam}`);
    return row;
  };
}

export function caseApi(sys: TestSystem) {
  async function call(path: string, as: string, json?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: CaseView }> {
    const res = await sys.http(path, json === undefined ? { as, headers } : { method: 'POST', as, json, headers });
    return { status: res.status, body: (await res.json()) as CaseView };
  }
  /**
   * A command as the UI sends it: under an Idempotency-Key, and sent again after a 503 (it carries
   * Retry-After: the case's state could not be read in time on a loaded machine), at most 4 times.
   */
  const cmd = async (id: string, path: string, as: string, json: unknown) => {
    const headers = { 'idempotency-key': randomUUID() };
    let res = await call(`/handhaving/${id}/${path}`, as, json, headers);
    for (let attempt = 1; res.status === 503 && attempt <= 4; attempt++) {
      await new Promise((r) => setTimeout(r, 1_000 * attempt));
      res = await call(`/handhaving/${id}/${path}`, as, json, headers);
    }
    expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 500)}`).toBe(200);
    return res.body;
  };
  const get = async (id: string) => (await call(`/handhaving/${id}`, tc)).body;
  /** Waits until the case runs the given step (the next child workflow has reported in). */
  const atStep = (id: string, step: string, block?: string) =>
    eventually(() => get(id), (c) => c.live?.current?.flow === step && (block === undefined || c.live.current.block === block));

  return {
    call,
    cmd,
    get,
    atStep,
    async open(locationId: string, opts: { urgent?: boolean; kind?: string } = {}) {
      const res = await call('/handhaving', kb, {
        locationId,
        urgent: opts.urgent ?? false,
        milestone: { kind: opts.kind ?? 'advies_handhaving', reference: { type: 'inspectieverslag', id: `IV-${locationId}-${Date.now()}` } },
      });
      if (res.status === 503) {
        // A loaded machine: the start outlasted the request's time limit, but the case was opened; read it.
        const list = await eventually(() => call(`/handhaving?locationId=${locationId}&status=open`, tc) as Promise<{ status: number; body: unknown }>, (r) => ((r.body as { items?: unknown[] }).items?.length ?? 0) === 1, 60_000);
        return (list.body as { items: CaseView[] }).items[0]!;
      }
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
    /** Aanmaning up to the sent letter. */
    async sendAanmaning(id: string, remedyDays = 1) {
      await atStep(id, 'aanmaning');
      await cmd(id, 'shortcomings', kb, { shortcomings: ['Te weinig begeleiders voor het aantal kinderen', 'Geen brandoefening'], remedyBy: inDays(remedyDays) });
      await cmd(id, 'talk', kb, { at: new Date().toISOString(), summary: 'Gesprek met de verantwoordelijke over de tekortkomingen.' });
      return atStep(id, 'aanmaning', 'opvolging');
    },
    /** Waits until the aanmaning's remedy term has passed (its timer fired): only then is "not remedied" accepted. */
    remedyTermPassed: (id: string) =>
      eventually(() => get(id), (c) => c.live?.current?.flow === 'aanmaning' && c.live.current.data.remedyTermPassed === true, 20_000),
    /** Voornemen from draft to the concluded hearing. */
    async runVoornemen(id: string, decision: 'schorsing' | 'opheffing') {
      await atStep(id, 'voornemen');
      await cmd(id, 'draft', kb, { decision, text: 'Ondanks de aanmaning zijn de tekortkomingen niet hersteld.' });
      await cmd(id, 'review', jurist, { approve: true, remarks: 'Juridisch in orde.' });
      await atStep(id, 'voornemen', 'opvolging');
      await cmd(id, 'hearing', kb, { action: 'requested', at: new Date().toISOString(), note: 'De organisator vraagt gehoord te worden.' });
      await cmd(id, 'hearing', kb, { action: 'report', at: new Date().toISOString(), note: 'Verslag: de organisator erkent de tekortkomingen.' });
      return cmd(id, 'conclude-hearing', kb, { proceed: true, reason: 'Hoorzitting bevestigt de tekortkomingen.' });
    },
    async decide(id: string, step: 'beslissing' | 'dringende_beslissing', decision: 'schorsing' | 'opheffing', date: string) {
      await atStep(id, step);
      await cmd(id, 'decision', kb, {
        decision,
        motivation: 'Interne motivering met details over de organisator (An Peeters, an.peeters@voorbeeld.test).',
        publicMotivation: 'De veiligheid van de kinderen is niet gewaarborgd: er is onvoldoende toezicht.',
        date,
        integrityHarmed: true,
      });
      return cmd(id, 'review', jurist, { approve: true, remarks: 'Akkoord.' });
    },
  };
}

export async function lettersOf(sys: TestSystem, caseId: string) {
  return sys.db
    .selectFrom('outbox_messages')
    .select(['id', 'idempotency_key', 'channel', 'template', 'recipient_address', 'body', 'subject'])
    .where('subject_id', '=', caseId)
    .where('channel', '!=', 'intern')
    .orderBy('id')
    .execute();
}

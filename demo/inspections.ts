import { inspectionIdForKey } from '../workflows/inspection/client.js';
import { type DemoHttp, unexpected, until } from './http.js';
import type { DemoLocation, World } from './world.js';

/**
 * Inspection requests in every status, through POST /inspections, with Modular's side played by
 * the simulator's control endpoints (docs/inspections.md, "The simulator"): planned, visited, a
 * draft the location reacted to, final reports, a cancellation by the case manager and one by
 * Zorginspectie. `aangevraagd` (not yet confirmed by Modular) only lasts while Modular does not
 * answer, so that one is asked for last, during a short simulated outage.
 */

type Status = 'aangevraagd' | 'ontvangen' | 'gepland' | 'bezoek_uitgevoerd' | 'ontwerpverslag' | 'eindverslag' | 'geannuleerd';
const order: Status[] = ['aangevraagd', 'ontvangen', 'gepland', 'bezoek_uitgevoerd', 'ontwerpverslag', 'eindverslag'];

export interface InspectionSpec {
  n: number;
  target: Status;
  urgency: 'regulier' | 'spoed';
  reaction?: boolean;
  cancelledBy?: 'agentschap' | 'zorginspectie';
  /** Data of the final report (else the simulator's own). */
  finalReport?: Record<string, unknown>;
}

export const inspectionPlan: InspectionSpec[] = [
  { n: 1, target: 'ontvangen', urgency: 'regulier' },
  { n: 2, target: 'ontvangen', urgency: 'spoed' },
  { n: 3, target: 'gepland', urgency: 'regulier' },
  { n: 4, target: 'gepland', urgency: 'spoed' },
  { n: 5, target: 'bezoek_uitgevoerd', urgency: 'regulier' },
  { n: 6, target: 'ontwerpverslag', urgency: 'regulier', reaction: true },
  { n: 7, target: 'ontwerpverslag', urgency: 'regulier' },
  { n: 8, target: 'eindverslag', urgency: 'regulier', finalReport: {
    documentRef: 'ZI-2026-2201',
    findings: ['Aanwezigheidsregistratie onvolledig', 'Huisregels niet aan ouders bezorgd'],
    advice: { urgency: 'middel', enforce: false, motivation: 'Opvolgen bij het volgende bezoek.', pointsOfAttention: ['registratie', 'informatie aan ouders'] },
  } },
  // The simulator's final report of a fast-procedure order advises urgent enforcement: the
  // location's enforcement case starts with the proposal of a decision in urgent necessity.
  { n: 9, target: 'eindverslag', urgency: 'spoed' },
  { n: 10, target: 'geannuleerd', urgency: 'regulier', cancelledBy: 'agentschap' },
  { n: 11, target: 'geannuleerd', urgency: 'regulier', cancelledBy: 'zorginspectie' },
  { n: 12, target: 'aangevraagd', urgency: 'regulier' },
];

const reasons = {
  regulier: { reason: 'Opvolging van tekortkomingen in de registratie van aanwezigheden', questions: ['Is de registratie van aanwezigheden volledig?', 'Zijn de huisregels bezorgd aan de ouders?'] },
  spoed: { reason: 'Melding over onvoldoende toezicht tijdens het middagdutje', questions: ['Is het toezicht tijdens het slapen voldoende?', 'Is de slaapruimte veilig ingericht?'] },
} as const;

interface InspectionView {
  id: string;
  status: Status;
  modularOrderId: string | null;
  locationReactionReceived: boolean;
}

export interface InspectionContext {
  http: DemoHttp;
  world: World;
  demoId: string;
  /** The Modular simulator's base URL; undefined with a real Modular: then requests are only made. */
  simulatorUrl?: string;
  log: (line: string) => void;
}

export const inspectionKey = (demoId: string, n: number) => `${demoId}-INS-${String(n).padStart(2, '0')}`;

async function sim<T = unknown>(ctx: InspectionContext, path: string, json?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${ctx.simulatorUrl}${path}`, {
    method: json === undefined ? 'GET' : 'POST',
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
    signal: ctx.http.hardSignal ? AbortSignal.any([ctx.http.hardSignal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

const rank = (s: Status) => (s === 'geannuleerd' ? 99 : order.indexOf(s));

/** Makes the request, if it does not exist yet. */
export async function requestInspection(spec: InspectionSpec, location: DemoLocation, ctx: InspectionContext): Promise<InspectionView> {
  const key = inspectionKey(ctx.demoId, spec.n);
  const id = inspectionIdForKey(key);
  const as = location.caseManagerId;
  const found = await ctx.http.get<InspectionView>(`/inspections/${id}`, as);
  if (found.status === 200) return found.body;
  if (found.status !== 404) throw unexpected(`inspection ${key}`, found);
  const created = await ctx.http.post<InspectionView>('/inspections', as, {
    locationId: location.id,
    urgency: spec.urgency,
    ...reasons[spec.urgency],
  }, { key });
  if (created.status !== 201 && created.status !== 200) throw unexpected(`request inspection ${key}`, created);
  return created.body;
}

/** Brings one request to its planned status; the simulator plays Zorginspectie. */
export async function driveInspection(spec: InspectionSpec, location: DemoLocation, ctx: InspectionContext): Promise<InspectionView> {
  const { http } = ctx;
  const as = location.caseManagerId;
  let v = await requestInspection(spec, location, ctx);
  if (!ctx.simulatorUrl || spec.target === 'aangevraagd') return v;
  const get = async () => {
    const res = await http.get<InspectionView>(`/inspections/${v.id}`, as);
    if (res.status !== 200) throw unexpected(`inspection ${v.id}`, res);
    return res.body;
  };
  if (v.status === 'eindverslag' || v.status === 'geannuleerd') return v;
  // Modular confirms the order (the workflow records its order id).
  const ordered = await until(http, get, (x) => x.modularOrderId !== null || x.status === 'geannuleerd' || x.status === 'eindverslag', 45_000, 500);
  if (!ordered.ok) throw new Error(`inspection ${v.id}: Modular did not confirm the order within 45 s`);
  v = ordered.value;
  const orderId = v.modularOrderId!;

  if (spec.cancelledBy === 'agentschap') {
    if (v.status !== 'geannuleerd') {
      const res = await http.post<InspectionView>(`/inspections/${v.id}/cancel`, as, { reason: 'De organisator heeft de activiteit stopgezet; inspectie niet meer nodig.' }, { key: `${inspectionKey(ctx.demoId, spec.n)}:cancel` });
      if (res.status !== 200 && res.status !== 202) throw unexpected(`cancel ${v.id}`, res);
    }
    return (await until(http, get, (x) => x.status === 'geannuleerd', 30_000)).value;
  }
  if (spec.cancelledBy === 'zorginspectie') {
    if (v.status !== 'geannuleerd') {
      const res = await sim(ctx, `/_control/orders/${orderId}/cancel`, { reason: 'Inspectie geannuleerd: de locatie is tijdelijk gesloten wegens verbouwing.' });
      if (res.status !== 200 && res.status !== 409) throw new Error(`simulator cancel ${orderId}: HTTP ${res.status}`);
    }
    return (await until(http, get, (x) => x.status === 'geannuleerd', 30_000)).value;
  }

  // Step by step, as Modular would announce it; the simulator's own clock may move it too.
  for (let guard = 0; guard < 8 && rank(v.status) < rank(spec.target); guard += 1) {
    const orders = await sim<{ orderId: string; status: Status }[]>(ctx, `/_control/orders?reference=${v.id}`);
    const simStatus = orders.body.find((o) => o.orderId === orderId)?.status;
    if (!simStatus) throw new Error(`the simulator does not know order ${orderId}`);
    if (rank(simStatus) < rank(spec.target)) {
      const next = order[rank(simStatus) + 1]!;
      const data = next === 'eindverslag' ? spec.finalReport : undefined;
      const res = await sim(ctx, `/_control/orders/${orderId}/advance`, data ? { data } : {});
      if (res.status !== 200 && res.status !== 409) throw new Error(`simulator advance ${orderId}: HTTP ${res.status}`);
      const reached = await until(http, get, (x) => rank(x.status) >= rank(next), 30_000, 400);
      v = reached.value;
    } else {
      v = (await until(http, get, (x) => rank(x.status) >= rank(simStatus), 30_000, 400)).value;
    }
  }
  if (spec.reaction && v.status === 'ontwerpverslag' && !v.locationReactionReceived) {
    const res = await sim(ctx, `/_control/orders/${orderId}/reaction`, { text: 'De voorziening betwist de vastgestelde bezetting: er waren drie begeleiders aanwezig, niet twee.' });
    if (res.status === 200) v = (await until(http, get, (x) => x.locationReactionReceived || x.status !== 'ontwerpverslag', 30_000)).value;
  }
  return v;
}

/**
 * The request still waiting for Modular: Modular (the simulator) answers 503 for `outageMs`, the
 * request is made, and the workflow waits it out (retrying with backoff) as it would a real outage.
 * Without the simulator the request is made as any other.
 */
export async function requestDuringOutage(spec: InspectionSpec, location: DemoLocation, ctx: InspectionContext, outageMs: number): Promise<InspectionView> {
  const id = inspectionIdForKey(inspectionKey(ctx.demoId, spec.n));
  const found = await ctx.http.get<InspectionView>(`/inspections/${id}`, location.caseManagerId);
  if (found.status === 200) return found.body;
  if (ctx.simulatorUrl && outageMs > 0) await sim(ctx, '/_control/faults', { unavailableForMs: outageMs });
  return requestInspection(spec, location, ctx);
}

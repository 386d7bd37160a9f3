import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type DashboardFilter, type DashboardRow, dashboardRows, type DashboardView } from '../../db/repositories/dashboard.js';
import { addDays, fromBrusselsLocal, localDateOf } from '../../workflows/clock/index.js';
import type { AppDependencies } from '../dependencies.js';
import { forbidden, HttpProblem, problemTypes } from '../problems.js';
import { closedObject, idString, instant } from '../schemas/common.js';
import { seesAllTeams } from './work.js';
import { protectedRoutes } from './route-options.js';

type Column = { name: string; type: 'string' | 'integer' | 'number' | 'boolean' | 'date-time'; nullable?: boolean; description?: string };

const integer = (name: string, description?: string): Column => ({ name, type: 'integer', ...(description ? { description } : {}) });
/** Columns that are plain counts, in this order. */
const counts = (...names: string[]): Column[] => names.map((name) => integer(name));
const nullableNumber = (name: string, description?: string): Column => ({ name, type: 'number', nullable: true, ...(description ? { description } : {}) });

// Columns that several views have, declared once.
const monthColumn: Column = { name: 'month', type: 'string' };
const processColumn: Column = { name: 'process', type: 'string' };
const countColumn = integer('count');
const overdueColumn = integer('overdue');

/** The deadline performance of one triage: crisis (the 1-hour deadline) or regular (24 hours). */
const pickUpColumns = (triage: 'crisis' | 'regular'): Column[] => [
  ...counts(`${triage}Received`, `${triage}WithinBudget`),
  nullableNumber(`${triage}ShareWithinBudget`, `0–1 of the ${triage} reports whose deadline is decided (picked up, or the budget passed)`),
  nullableNumber(`${triage}MedianPickupMinutes`),
];

/** One endpoint per view: its columns (the JSON rows' fields and the CSV header, in order). */
const views: Record<DashboardView, { summary: string; columns: Column[] }> = {
  phases: {
    summary: 'Counts per process and phase: everything open now, plus what closed within the period',
    columns: [
      processColumn,
      { name: 'phase', type: 'string', description: 'melding: phase; handhaving: step (gesloten when closed); inspectie/screening: status' },
      { name: 'variant', type: 'string', nullable: true, description: 'melding: triage; handhaving: block; inspectie: urgency' },
      countColumn,
      overdueColumn,
    ],
  },
  overdue: {
    summary: 'Overdue now, per process and assignee',
    columns: [
      processColumn,
      { name: 'assigneeId', type: 'string', nullable: true, description: 'null: the team queue (handhaving: the jurists)' },
      { name: 'assigneeName', type: 'string', nullable: true },
      countColumn,
      { name: 'oldestDueAt', type: 'date-time', nullable: true },
    ],
  },
  'deadline-performance': {
    summary: 'Deadline performance per month: share of crisis reports picked up within 1 hour and regular ones within 24 hours, median time to pick up',
    columns: [
      monthColumn,
      ...pickUpColumns('crisis'),
      ...pickUpColumns('regular'),
      nullableNumber('medianPickupMinutes'),
      integer('historyCrisis', 'Crisis reports of the imported history (no pick-up moment known)'),
      integer('historyRegular', 'Regular reports of the imported history (no pick-up moment known)'),
    ],
  },
  'enforcement-funnel': {
    summary: 'The enforcement funnel aanmaning → voornemen → beslissing, and how many were remedied at each step',
    columns: [
      { name: 'stage', type: 'string', description: 'aanmaning, voornemen, beslissing, dringende_beslissing' },
      integer('started'),
      integer('escalated', 'went on to a further step'),
      integer('remedied', 'ended without a further step (remedied or closed)'),
      integer('decided'),
      integer('open', 'still running'),
      ...counts('schorsing', 'opheffing', 'fromHistory', 'fromRegister'),
    ],
  },
  decisions: {
    summary: 'Suspension and revocation decisions per month and the capacity (places) they freed',
    columns: [
      monthColumn,
      { name: 'kind', type: 'string', description: 'schorsing, opheffing' },
      { name: 'urgent', type: 'boolean' },
      ...counts('decisions', 'capacityFreed'),
    ],
  },
  inspections: {
    summary: 'Inspections by status (register) and the history\'s inspections by advice',
    columns: [
      { name: 'source', type: 'string', description: 'register, historiek' },
      { name: 'status', type: 'string' },
      { name: 'detail', type: 'string', description: 'register: urgency; historiek: advice' },
      countColumn,
      overdueColumn,
      integer('adviceEnforce'),
    ],
  },
  screening: {
    summary: 'The monthly risk screening: selected, coded risico / geen risico / verder onderzoek nodig, open',
    columns: [monthColumn, ...counts('selected', 'risico', 'geenRisico', 'verderOnderzoekNodig', 'open', 'overdue')],
  },
};

const columnSchema = (c: Column) => {
  const base = c.type === 'date-time' ? { type: 'string', format: 'date-time' } : { type: c.type };
  return { ...base, ...(c.nullable ? { type: [base.type, 'null'] } : {}), ...(c.description ? { description: c.description } : {}) };
};

const monthPattern = '^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])$';

interface DashboardQuery {
  teamId?: string;
  from?: string;
  to?: string;
  format?: 'json' | 'csv';
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  // Quotes when needed; a leading =, +, - or @ would be read as a formula by spreadsheets.
  const safe = /^[=+\-@]/.test(text) && !/^-?[0-9.]+$/.test(text) ? `'${text}` : text;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(columns: readonly string[], rows: readonly DashboardRow[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function currentMonth(): string {
  return localDateOf(Date.now()).slice(0, 7);
}

function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export default async function dashboardRoutes(app: FastifyInstance, deps: AppDependencies) {
  const kinds = deps.settings.deadlineKinds;
  const budgetMs = (b: { unit: string; amount: number }) => (b.unit === 'hours' ? b.amount * 3_600_000 : b.amount * 86_400_000);

  function filterOf(request: FastifyRequest<{ Querystring: DashboardQuery }>): DashboardFilter {
    const user = request.user!;
    const q = request.query;
    let teamId: string | null;
    if (seesAllTeams(user)) teamId = q.teamId ?? null;
    else {
      if (q.teamId && q.teamId !== user.teamId) throw forbidden(`A team coordinator sees the dashboard of their own team (${user.teamId}) only`);
      teamId = user.teamId;
    }
    const toMonth = q.to ?? currentMonth();
    const fromMonth = q.from ?? shiftMonth(toMonth, -11);
    if (fromMonth > toMonth) {
      throw new HttpProblem(400, problemTypes.validation, 'Bad Request', 'from lies after to', { errors: [{ field: 'querystring.from', message: 'must not lie after to' }] });
    }
    if (shiftMonth(fromMonth, 120) < toMonth) {
      throw new HttpProblem(400, problemTypes.validation, 'Bad Request', 'the period spans more than 10 years', { errors: [{ field: 'querystring.from', message: 'at most 120 months before to' }] });
    }
    return {
      teamId,
      from: new Date(fromBrusselsLocal(`${fromMonth}-01`)),
      to: new Date(fromBrusselsLocal(addDays(`${shiftMonth(toMonth, 1)}-01`, 0))),
      fromMonth,
      toMonth,
      crisisBudgetMs: budgetMs(kinds.crisis_report_acknowledgement.budget),
      regularBudgetMs: budgetMs(kinds.report_follow_up.budget),
    };
  }

  function wantsCsv(request: FastifyRequest<{ Querystring: DashboardQuery }>): boolean {
    if (request.query.format) return request.query.format === 'csv';
    const accept = request.headers.accept ?? '';
    return /\btext\/csv\b/.test(accept) && !/application\/json/.test(accept.split(',')[0] ?? '');
  }

  for (const [view, spec] of Object.entries(views) as [DashboardView, (typeof views)[DashboardView]][]) {
    const columns = spec.columns.map((c) => c.name);
    const rowSchema = {
      type: 'object',
      required: columns,
      properties: Object.fromEntries(spec.columns.map((c) => [c.name, columnSchema(c)])),
    };
    const jsonSchema = {
      type: 'object',
      required: ['view', 'teamId', 'from', 'to', 'generatedAt', 'columns', 'rows'],
      properties: {
        view: { type: 'string' },
        teamId: { type: ['string', 'null'], description: 'null: all teams' },
        from: { type: 'string', description: 'First month (YYYY-MM)' },
        to: { type: 'string', description: 'Last month (YYYY-MM), inclusive' },
        generatedAt: instant,
        columns: { type: 'array', items: { type: 'string' } },
        rows: { type: 'array', items: rowSchema },
      },
    };
    app.get<{ Querystring: DashboardQuery }>(`/dashboard/${view}`, protectedRoutes('dashboard', ['teamcoordinator', 'admin'])({
      summary: spec.summary,
      description:
        'One SQL statement of aggregates (docs/work-surfaces.md shows it). A team coordinator sees their own team ' +
        '(403 for another `teamId`); an admin (and the central team coordinator) all teams, or one with `teamId`. ' +
        'The period is `from`–`to` (months, Brussels time; default the last 12 months including this one). ' +
        '`format=csv` or `Accept: text/csv` answers CSV (the same rows, a header line of the columns).',
      querystring: closedObject({
        teamId: idString,
        from: { type: 'string', pattern: monthPattern },
        to: { type: 'string', pattern: monthPattern },
        format: { type: 'string', enum: ['json', 'csv'] },
      }),
      response: {
        200: {
          description: 'The view\'s rows',
          content: { 'application/json': { schema: jsonSchema }, 'text/csv': { schema: { type: 'string' } } },
        },
      },
      problems: [400],
    }), async (request: FastifyRequest<{ Querystring: DashboardQuery }>, reply: FastifyReply) => {
      const filter = filterOf(request);
      const rows = (await dashboardRows(deps.db, view, filter)).map((row) => {
        const out: DashboardRow = {};
        for (const c of columns) {
          const v = row[c] as unknown;
          out[c] = v instanceof Date ? v.toISOString() : typeof v === 'string' && /^-?[0-9]+$/.test(v) && spec.columns.find((x) => x.name === c)?.type === 'integer' ? Number(v) : (v as DashboardRow[string]) ?? null;
        }
        return out;
      });
      if (wantsCsv(request)) {
        const name = `dashboard-${view}-${filter.teamId ?? 'alle-teams'}-${filter.fromMonth}-${filter.toMonth}.csv`;
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(toCsv(columns, rows));
      }
      return reply.type('application/json; charset=utf-8').send({
        view,
        teamId: filter.teamId,
        from: filter.fromMonth,
        to: filter.toMonth,
        generatedAt: new Date().toISOString(),
        columns,
        rows,
      });
    });
  }
}

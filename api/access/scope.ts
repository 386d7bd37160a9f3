import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Role } from '../../db/tables/reference.js';

/**
 * Need to know (docs/access.md), decided here and nowhere else: which reports, enforcement cases,
 * inspections, screening tasks and dossiers a person may see and command. Every list query takes
 * the filter of its table; every single read and every command asks the same filter for its one
 * row and answers 404 outside it, as for an id that does not exist.
 */
export interface Viewer {
  id: string;
  role: Role;
  teamId: string | null;
  /** An active break-glass grant: everything is in scope, and every read says so in the audit. */
  breakGlass: boolean;
}

type Filter<T extends keyof Database> = (eb: ExpressionBuilder<Database, T>) => Expression<SqlBool>;
type Condition = Expression<SqlBool>;

const nothing = sql<SqlBool>`false`;
const everything = sql<SqlBool>`true`;
const either = (...conditions: Condition[]): Condition => sql<SqlBool>`(${sql.join(conditions, sql` or `)})`;

/** Steps of an enforcement case a jurist reviews; a case with a decision stays in their scope. */
const legalSteps = ['voornemen', 'beslissing', 'dringende_beslissing'];

/**
 * The one rule every register shares: a case manager sees their team's and their own, a team
 * coordinator their team's; a table adds what its other roles see (or widens these), every other
 * role sees nothing; break-glass sees everything.
 */
function byRole(viewer: Viewer, team: Condition, own: Condition, others: Partial<Record<Role, Condition>> = {}): Condition {
  if (viewer.breakGlass) return everything;
  const rules: Partial<Record<Role, Condition>> = { klantenbeheerder: either(team, own), teamcoordinator: team, ...others };
  return rules[viewer.role] ?? nothing;
}

export const scopes = {
  /**
   * Reports: the team's and one's own; a crisis coordinator every crisis report. A report not yet
   * linked to a location has no team: the shared to-be-linked queue is open to every case manager
   * and team coordinator, since any of them may link it.
   */
  meldingen(viewer: Viewer): Filter<'meldingen'> {
    return (eb) => {
      const own = eb('meldingen.assignee_id', '=', viewer.id);
      const team = viewer.teamId ? eb('meldingen.team_id', '=', viewer.teamId) : nothing;
      const toBeLinked = eb.and([eb('meldingen.team_id', 'is', null), eb('meldingen.phase', '=', 'te_koppelen')]);
      return byRole(viewer, team, own, {
        klantenbeheerder: either(team, own, toBeLinked),
        teamcoordinator: either(team, toBeLinked),
        crisiscoordinator: either(eb('meldingen.triage', '=', 'crisis'), own),
      });
    };
  },

  /** Enforcement cases: the team's and one's own; a jurist those in a legal step or decided. */
  enforcementCases(viewer: Viewer): Filter<'enforcement_cases'> {
    return (eb) => {
      const own = eb('enforcement_cases.case_manager_id', '=', viewer.id);
      const team = viewer.teamId ? eb('enforcement_cases.team_id', '=', viewer.teamId) : nothing;
      return byRole(viewer, team, own, {
        crisiscoordinator: own,
        // One semi-join of two small sets (the cases in a legal step, the decided ones), not a
        // test of every case: the list's total counted all 10,000 (migration 0700, docs/performance.md).
        jurist: eb('enforcement_cases.id', 'in', eb
          .selectFrom('enforcement_cases as legal').select('legal.id').where('legal.step', 'in', legalSteps)
          .union(eb.selectFrom('enforcement_decisions').select('enforcement_decisions.case_id as id'))),
      });
    };
  },

  inspections(viewer: Viewer): Filter<'inspections'> {
    return (eb) => {
      const own = eb('inspections.case_manager_id', '=', viewer.id);
      const team = viewer.teamId ? eb('inspections.team_id', '=', viewer.teamId) : nothing;
      return byRole(viewer, team, own, { crisiscoordinator: own });
    };
  },

  screeningTasks(viewer: Viewer): Filter<'screening_tasks'> {
    return (eb) => {
      const own = eb('screening_tasks.assignee_id', '=', viewer.id);
      const team = viewer.teamId ? eb('screening_tasks.team_id', '=', viewer.teamId) : nothing;
      return byRole(viewer, team, own);
    };
  },

  /**
   * A dossier (its view, timeline and notes): the team's and one's own; a crisis coordinator the
   * dossiers of crisis reports; a jurist those of the cases in their scope.
   */
  dossiers(viewer: Viewer): Filter<'dossiers'> {
    return (eb) => {
      const own = eb('dossiers.case_manager_id', '=', viewer.id);
      const team = viewer.teamId ? eb('dossiers.team_id', '=', viewer.teamId) : nothing;
      return byRole(viewer, team, own, {
        crisiscoordinator: eb.exists(
          eb.selectFrom('meldingen').select('meldingen.id').whereRef('meldingen.dossier_id', '=', 'dossiers.id').where('meldingen.triage', '=', 'crisis'),
        ),
        jurist: eb.exists(
          eb
            .selectFrom('enforcement_cases')
            .select('enforcement_cases.id')
            .whereRef('enforcement_cases.dossier_id', '=', 'dossiers.id')
            .where((c) => scopes.enforcementCases(viewer)(c)),
        ),
      });
    };
  },
};

/**
 * The reporter's identity (name, e-mail, phone) is shown only to the report's assignee (the case
 * manager, or the crisis coordinator handling a crisis report) and under break-glass; every such
 * read is audited by the caller.
 */
export function mayReadReporter(viewer: Viewer, report: { assignee_id: string | null }): boolean {
  return viewer.breakGlass || (report.assignee_id !== null && report.assignee_id === viewer.id);
}

import { countScores, findRun, listSelection, listTasks, screeningReport } from '../../../db/repositories/screening.js';
import { progressQuery, type RunProgress, screeningRunWorkflowId } from '../../../workflows/screening/definitions.js';
import { scopes, type Viewer } from '../../access/scope.js';
import type { AppDependencies } from '../../dependencies.js';
import { isWorkflowGone } from '../../temporal-errors.js';

/** Before a run has scored anything. */
export const noProgress = { phase: 'voorbereiden', totalLocations: 0, scored: 0, batches: 0, selected: 0, tasksOpened: 0 } as const;

/** A month's run as the API shows it: its progress (live while it runs), its selection and its report. */
export function runViews(deps: Pick<AppDependencies, 'db' | 'temporal'>) {
  /** The progress of a run workflow that is still running; null when it finished or does not exist. */
  async function liveProgress(workflowId: string): Promise<RunProgress | null> {
    try {
      const handle = deps.temporal.workflow.getHandle(workflowId);
      if ((await handle.describe()).status.name !== 'RUNNING') return null;
      return await handle.query(progressQuery);
    } catch (err) {
      if (isWorkflowGone(err)) return null;
      throw err;
    }
  }

  /** The running run of the month, if any: a hand-triggered (re-)run first, its row may still show the previous run. */
  async function liveRun(month: string) {
    const row = await findRun(deps.db, month);
    const manualId = screeningRunWorkflowId(month);
    const manual = await liveProgress(manualId);
    if (manual) return { row, live: manual, workflowId: manualId };
    if (row && row.workflow_id !== manualId && row.status !== 'afgerond') return { row, live: await liveProgress(row.workflow_id), workflowId: row.workflow_id };
    return { row, live: null, workflowId: row?.workflow_id ?? manualId };
  }

  /**
   * One month's run. The selection (rank, dossier, score) is the model's, readable by all staff; the
   * task of each selected dossier (its id, status and code) only within the viewer's scope of
   * screening tasks (docs/access.md).
   */
  return async function runView(month: string, viewer: Viewer) {
    const { row, live, workflowId } = await liveRun(month);
    if (!row && !live) return undefined;
    const [selection, report, tasks, visible] = await Promise.all([
      listSelection(deps.db, month),
      screeningReport(deps.db, month),
      listTasks(deps.db, { month, limit: 1_000, offset: 0 }),
      listTasks(deps.db, { month, limit: 1_000, offset: 0 }, scopes.screeningTasks(viewer)),
    ]);
    const taskByDossier = new Map(visible.items.map((t) => [t.dossier_id, t]));
    const progress = live ?? (row?.status === 'afgerond' && row.progress ? row.progress : {
      ...noProgress,
      totalLocations: row?.total_locations ?? 0,
      scored: await countScores(deps.db, month),
      selected: selection.length,
      tasksOpened: tasks.total,
    });
    return {
      month,
      status: live ? 'lopend' : (row?.status ?? 'gestart'),
      workflowId,
      modelVersion: row?.model_version ?? live?.modelVersion ?? null,
      selectionSize: row?.selection_size ?? live?.selectionSize,
      triggeredBy: row?.triggered_by ?? null,
      startedAt: row?.started_at.toISOString() ?? null,
      completedAt: row?.completed_at?.toISOString() ?? null,
      progress,
      selection: selection.map((s) => {
        const task = taskByDossier.get(s.dossierId);
        return { rank: s.rank, dossierId: s.dossierId, locationId: s.locationId, locationName: s.locationName, teamId: s.teamId, score: s.score, taskId: task?.id, status: task?.status ?? null, code: task?.code ?? null };
      }),
      report,
    };
  };
}

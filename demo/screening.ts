import { addMonths, monthOf } from '../workflows/screening/months.js';
import { type DemoHttp, unexpected, until } from './http.js';
import type { World } from './world.js';

/**
 * Last month's risk screening (docs/risk-screening.md) through POST /screening-runs, as a team
 * coordinator would start it by hand; the first three tasks by rank are coded by their case
 * managers (risico, geen risico, verder onderzoek nodig: the last asks for an inspection), the
 * others stay open in the case managers' inboxes.
 */
interface RunView {
  month: string;
  status: string;
  progress: { phase: string; selected: number; tasksOpened: number };
  selection: { rank: number; taskId?: string; status: string | null }[];
}
interface TaskView {
  id: string;
  rank: number;
  status: 'open' | 'gecodeerd';
  assigneeId: string | null;
}

export interface ScreeningContext {
  http: DemoHttp;
  world: World;
  now: number;
  /** N of the run; undefined: the server's SCREENING_SELECTION_SIZE. */
  selectionSize?: number;
  log: (line: string) => void;
}

const codes = [
  { code: 'risico', motivation: 'Gekend dossier: handhaving loopt en de tekortkomingen zijn nog niet hersteld.' },
  { code: 'geen_risico', motivation: 'Recent inspectieverslag zonder tekortkomingen; geen verhoogd risico.' },
  { code: 'verder_onderzoek_nodig', motivation: 'Meerdere meldingen zonder duidelijk beeld: een inspectie is nodig.' },
] as const;

/** The month before the one `now` falls in (Brussels). */
export const lastMonth = (now: number) => addMonths(monthOf(now), -1);

export async function driveScreening(ctx: ScreeningContext): Promise<{ month: string; selected: number; open: number; coded: number }> {
  const { http, world } = ctx;
  const month = lastMonth(ctx.now);
  const starter = world.centralLead;
  let run = await http.get<RunView>(`/screening-runs/${month}`, starter);
  if (run.status === 404) {
    const started = await http.post<RunView>('/screening-runs', starter, { month, ...(ctx.selectionSize ? { selectionSize: ctx.selectionSize } : {}) }, { idempotent: true });
    if (started.status !== 202) throw unexpected(`screening run ${month}`, started);
    ctx.log(`screening ${month}: run started (the first run on a new system trains the risk model first)`);
  } else if (run.status !== 200) {
    throw unexpected(`screening run ${month}`, run);
  }
  const done = await until(http, () => http.get<RunView>(`/screening-runs/${month}`, starter), (r) => r.status === 200 && r.body.status === 'afgerond', 150_000, 1_000);
  if (!done.ok) throw new Error(`screening run ${month} did not finish within 150 s (phase ${done.value.body?.progress?.phase})`);
  run = done.value;

  // The tasks are registered by the run; their projection may trail it by a moment.
  // Each team coordinator sees their own team's tasks (docs/access.md): the month's tasks are theirs together.
  const tasksOf = async () => {
    const items: TaskView[] = [];
    for (const team of world.teams) {
      const res = await http.get<{ items: TaskView[]; total: number }>(`/screening-tasks?month=${month}&limit=500`, world.coordinatorOf(team));
      if (res.status !== 200) return { status: res.status, body: { items, total: items.length } };
      items.push(...res.body.items);
    }
    return { status: 200, body: { items, total: items.length } };
  };
  const listed = await until(http, tasksOf, (r) => r.status === 200 && r.body.items.length >= run.body.progress.tasksOpened, 30_000, 500);
  const tasks = [...listed.value.body.items].sort((a, b) => a.rank - b.rank);
  for (const [i, c] of codes.entries()) {
    const task = tasks[i];
    if (!task || task.status !== 'open') continue;
    const as = task.assigneeId ?? world.coordinatorOf(world.teams[0]!);
    const res = await http.post(`/screening-tasks/${task.id}/code`, as, c, { key: `demo-screening-${month}-${task.id}` });
    if (res.status !== 200) throw unexpected(`code screening task ${task.id}`, res);
  }
  const after = (await tasksOf()).body.items;
  return { month, selected: run.body.progress.selected, open: after.filter((t) => t.status === 'open').length, coded: after.filter((t) => t.status === 'gecodeerd').length };
}

import {
  ActivityFailure,
  type ActivityOptions,
  ApplicationFailure,
  condition,
  currentUpdateInfo,
  patched,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { type Duration, RetryState } from '@temporalio/common';
import type { IncidentActivities } from '../../activities/incidents.js';
import { dataErrorType, retryIncidentSignal } from './incident-definitions.js';
import { dossierIdKey, teamIdKey } from '../search-attributes.js';

/**
 * How an activity of this product is retried before a person hears of it. Every activity is
 * idempotent (docs/decisions.md), so retrying is always safe; after `attemptsBeforeIncident`
 * failures (about 30 s of trying) an incident is raised and retrying goes on at a slower pace.
 */
export const durableRetry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
export const attemptsBeforeIncident = 6;
/** Before patch `incident-retry-paced`: a technical incident retried on its own every 10 minutes. */
const technicalRetryEvery = '10 minutes';

/**
 * The wait before a technical incident's next automatic round (`round` 1 after the first six
 * failed attempts): 1, 2, 4 and 8 minutes, then every 10. A passing cause (a worker's restart
 * rush exhausting its connection pool, a short outage) costs a process a minute, not ten; a
 * lasting one is still tried at a slow pace, and a person can ask for a retry at any time.
 */
export function technicalRetryAfterMs(round: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, round - 1), 10 * 60_000);
}

/** The wait before a technical incident's next automatic round; a history recorded before the patch replays with its 10 minutes. */
function automaticRetryAfter(round: number): Duration {
  return patched('incident-retry-paced') ? technicalRetryAfterMs(round) : technicalRetryEvery;
}

const incidentActivities = proxyActivities<IncidentActivities>({ startToCloseTimeout: '30 seconds', retry: durableRetry });

/** Waits for a person's retry, or for the pace of automatic retries when given. */
async function waitForRetry(incidentId: string, every?: Duration): Promise<void> {
  let requested = false;
  const signal = retryIncidentSignal(incidentId);
  setHandler(signal, () => {
    requested = true;
  });
  if (every) await condition(() => requested, every);
  else await condition(() => requested);
  setHandler(signal, undefined);
}

function isDataFailure(err: ActivityFailure): boolean {
  return err.cause instanceof ApplicationFailure && err.cause.type === dataErrorType;
}

function keyword(key: typeof teamIdKey | typeof dossierIdKey): string | null {
  const value = workflowInfo().typedSearchAttributes.get(key);
  return typeof value === 'string' && value ? value : null;
}

/**
 * `proxyActivities` with incidents (Camunda's model): nothing retries silently forever. A call
 * that keeps failing raises one incident and waits, retrying on its own when the cause is
 * technical, or when a person asks for it (`retryIncidentSignal`); when the call finally succeeds
 * the incident is resolved and the process continues where it stood.
 *
 * Inside an Update a data error is not an incident: the command is refused, so the caller hears
 * of it (400) and the workflow takes no half-made change.
 */
export function durableActivities<A extends object>(options: Omit<ActivityOptions, 'retry'>): A {
  const activities = proxyActivities<Record<string, (...args: unknown[]) => Promise<unknown>>>({
    ...options,
    retry: { ...durableRetry, maximumAttempts: attemptsBeforeIncident },
  });
  return new Proxy({} as A, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      return async (...args: unknown[]) => {
        let incidentId: string | undefined;
        for (let attempts = attemptsBeforeIncident; ; attempts += attemptsBeforeIncident) {
          try {
            const result = await activities[name]!(...args);
            if (incidentId) await incidentActivities.resolveIncident(incidentId);
            return result;
          } catch (err) {
            if (!(err instanceof ActivityFailure)) throw err;
            const dataError = isDataFailure(err);
            if (dataError && currentUpdateInfo()) {
              throw ApplicationFailure.create({ type: dataErrorType, message: err.cause?.message ?? err.message, nonRetryable: true });
            }
            if (!dataError && err.retryState !== RetryState.MAXIMUM_ATTEMPTS_REACHED) throw err;
            incidentId ??= uuid4();
            const info = workflowInfo();
            await incidentActivities.raiseIncident({
              incidentId,
              workflowId: info.workflowId,
              runId: info.runId,
              workflowType: info.workflowType,
              activityType: name,
              kind: dataError ? 'gegevens' : 'technisch',
              errorType: err.cause instanceof ApplicationFailure ? (err.cause.type ?? null) : (err.cause?.name ?? null),
              message: err.cause?.message ?? err.message,
              attempts,
              teamId: keyword(teamIdKey),
              dossierId: keyword(dossierIdKey),
            });
            await waitForRetry(incidentId, dataError ? undefined : automaticRetryAfter(attempts / attemptsBeforeIncident));
          }
        }
      };
    },
  });
}

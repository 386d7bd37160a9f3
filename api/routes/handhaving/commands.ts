import type { EnforcementCaseRow } from '../../../db/tables/enforcement.js';
import type { Role } from '../../../db/tables/reference.js';
import {
  type AssignCaseCommand,
  assignCaseUpdate,
  type CaseState,
  type CloseCaseCommand,
  closeCaseUpdate,
  type ConcludeCommand,
  concludeUpdate,
  type DecisionCommand,
  decisionUpdate,
  type DraftCommand,
  draftUpdate,
  escalateUrgentUpdate,
  type Flow,
  type FlowState,
  type HearingCommand,
  hearingUpdate,
  type InformationSessionCommand,
  informationSessionUpdate,
  type MentesContactCommand,
  mentesContactUpdate,
  type ObjectionCommand,
  objectionUpdate,
  type OralNoticeCommand,
  oralNoticeUpdate,
  type RemedyOutcomeCommand,
  remedyOutcomeUpdate,
  type ReviewCommand,
  reviewUpdate,
  type ShortcomingsCommand,
  shortcomingsUpdate,
  type SuspensionEndCommand,
  suspensionEndUpdate,
  type TalkCommand,
  talkUpdate,
  type UrgentCommand,
  type UrgentProposalCommand,
  urgentProposalUpdate,
} from '../../../workflows/enforcement/definitions.js';
import type { Actor } from '../../../workflows/shared/actor.js';
import { teamAssignCommand } from '../../commands/assign.js';
import { type CommandContext, command, withActor } from '../../commands/command-path.js';
import type { AppDependencies } from '../../dependencies.js';
import { conflict } from '../../problems.js';
import { commandBodies } from '../../schemas/handhaving.js';

export const caseManagers: Role[] = ['klantenbeheerder', 'teamcoordinator'];

/** A case with its running step: the step commands go to that step's flow workflow. */
export interface CaseInStep {
  row: EnforcementCaseRow;
  live: CaseState & { step: Flow; current: FlowState };
}

type Body<C> = Omit<C, 'actor'>;

/** Commands of the case itself, whatever its step. */
export const caseCommands = (deps: Pick<AppDependencies, 'db'>) => [
  command<EnforcementCaseRow, CaseState, Body<CloseCaseCommand>, CloseCaseCommand>({
    path: 'close',
    summary: 'Close the case at any step (e.g. the shortcomings are remedied), with a reason',
    roles: caseManagers,
    body: commandBodies.close,
    update: closeCaseUpdate,
    toCommand: withActor,
  }),
  command<EnforcementCaseRow, CaseState, Body<UrgentCommand>, UrgentCommand>({
    path: 'escalate-urgent',
    summary: 'Interrupt the current step for a decision in urgent necessity (integrity risk), without prior hearing',
    roles: caseManagers,
    body: commandBodies.urgent,
    update: escalateUrgentUpdate,
    toCommand: withActor,
  }),
  command<EnforcementCaseRow, CaseState, Body<UrgentProposalCommand>, UrgentProposalCommand>({
    path: 'urgent-proposal',
    summary: 'Decide on the proposed decision in urgent necessity (after an urgent advice): confirm it (with its kind), or keep the ordinary route, with a reason',
    roles: caseManagers,
    body: commandBodies.urgentProposal,
    update: urgentProposalUpdate,
    toCommand: withActor,
  }),
  teamAssignCommand<EnforcementCaseRow, CaseState, AssignCaseCommand>(deps.db, 'the case', assignCaseUpdate, caseManagers),
];

/** A step command is the step's own: in another step it is refused (409) before it reaches a workflow. */
function inStep(flows: readonly Flow[], path: string) {
  return <B extends object>(body: B, context: CommandContext<CaseInStep>): B & { actor: Actor } => {
    if (!flows.includes(context.row.live.step)) throw conflict(`${path} is not a command of the step ${context.row.live.step}`);
    return withActor(body, context);
  };
}

function stepCommand<C extends { actor: Actor }>(spec: { path: string; summary: string; roles: Role[]; body: object; flows: Flow[]; update: Parameters<typeof command<CaseInStep, FlowState, Body<C>, C>>[0]['update'] }) {
  return command<CaseInStep, FlowState, Body<C>, C>({
    path: spec.path,
    summary: `${spec.summary}. Allowed in the step(s): ${spec.flows.join(', ')}; 409 otherwise or out of turn`,
    roles: spec.roles,
    body: spec.body,
    update: spec.update,
    toCommand: (body, context) => inStep(spec.flows, spec.path)(body, context) as C,
  });
}

/** The commands of the steps, sent to the running flow. */
export const stepCommands = [
  stepCommand<ShortcomingsCommand>({ path: 'shortcomings', summary: 'Aanmaning: set the shortcomings and the remedy deadline', roles: ['klantenbeheerder'], body: commandBodies.shortcomings, flows: ['aanmaning'], update: shortcomingsUpdate }),
  stepCommand<TalkCommand>({ path: 'talk', summary: 'Aanmaning: record the talk with the organiser (the written aanmaning follows)', roles: ['klantenbeheerder'], body: commandBodies.talk, flows: ['aanmaning'], update: talkUpdate }),
  stepCommand<MentesContactCommand>({ path: 'mentes-contact', summary: 'Aanmaning: record that Mentes contacted the location', roles: caseManagers, body: commandBodies.mentesContact, flows: ['aanmaning'], update: mentesContactUpdate }),
  stepCommand<RemedyOutcomeCommand>({ path: 'remedy-outcome', summary: 'Aanmaning: record whether the shortcomings were remedied', roles: ['klantenbeheerder'], body: commandBodies.remedyOutcome, flows: ['aanmaning'], update: remedyOutcomeUpdate }),
  stepCommand<DraftCommand>({ path: 'draft', summary: 'Voornemen: submit the draft for legal review', roles: ['klantenbeheerder'], body: commandBodies.draft, flows: ['voornemen'], update: draftUpdate }),
  stepCommand<ReviewCommand>({ path: 'review', summary: 'Jurist: approve or reject (with remarks) the draft voornemen or decision', roles: ['jurist'], body: commandBodies.review, flows: ['voornemen', 'beslissing', 'dringende_beslissing'], update: reviewUpdate }),
  stepCommand<HearingCommand>({ path: 'hearing', summary: 'Voornemen: record a hearing request, its planning or its report (hoorrecht)', roles: ['klantenbeheerder'], body: commandBodies.hearing, flows: ['voornemen'], update: hearingUpdate }),
  stepCommand<ConcludeCommand>({ path: 'conclude-hearing', summary: 'Voornemen: after the hearing or its term, proceed to the decision or close', roles: caseManagers, body: commandBodies.conclude, flows: ['voornemen'], update: concludeUpdate }),
  stepCommand<DecisionCommand>({ path: 'decision', summary: 'Beslissing: submit the decision (schorsing with end date, opheffing with effective date) for legal review', roles: ['klantenbeheerder'], body: commandBodies.decision, flows: ['beslissing', 'dringende_beslissing'], update: decisionUpdate }),
  stepCommand<OralNoticeCommand>({ path: 'oral-notice', summary: 'Beslissing: record that the organiser was informed orally beforehand', roles: ['klantenbeheerder'], body: commandBodies.oralNotice, flows: ['beslissing', 'dringende_beslissing'], update: oralNoticeUpdate }),
  stepCommand<InformationSessionCommand>({ path: 'information-session', summary: 'Beslissing: plan an oral information session for parents and local government (a task for the case manager, the invitations)', roles: caseManagers, body: commandBodies.informationSession, flows: ['beslissing', 'dringende_beslissing'], update: informationSessionUpdate }),
  stepCommand<ObjectionCommand>({ path: 'objection', summary: 'Bezwaar: record an objection, or its outcome (upheld or not)', roles: ['klantenbeheerder', 'jurist'], body: commandBodies.objection, flows: ['beslissing', 'dringende_beslissing'], update: objectionUpdate }),
  stepCommand<SuspensionEndCommand>({ path: 'suspension-end', summary: 'Schorsing: at its end, lift it (after verification), extend it, or escalate to opheffing', roles: caseManagers, body: commandBodies.suspensionEnd, flows: ['beslissing', 'dringende_beslissing'], update: suspensionEndUpdate }),
];

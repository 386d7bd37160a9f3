// Every workflow the worker runs; the worker bundles this file.
export { recordDossierNote } from './dossier-note/workflow.js';
export { aanmaningWorkflow } from './enforcement/aanmaning.js';
export { beslissingWorkflow } from './enforcement/beslissing.js';
export { enforcementCaseWorkflow } from './enforcement/case.js';
export { dringendeBeslissingWorkflow } from './enforcement/dringende-beslissing.js';
export { voornemenWorkflow } from './enforcement/voornemen.js';
export { inspectionWorkflow } from './inspection/workflow.js';
export { meldingWorkflow } from './melding/workflow.js';
export { riskModelTrainingWorkflow, screeningRunWorkflow, screeningTaskWorkflow } from './screening/workflow.js';
export { retentionRunWorkflow } from './retention/workflow.js';
export { replacementCapacityWorkflow } from './enforcement/replacement-capacity.js';

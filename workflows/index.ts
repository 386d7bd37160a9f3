// Every workflow the worker runs; the worker bundles this file.
export { recordDossierNote } from './dossier-note/workflow.js';
export { meldingWorkflow } from './melding/workflow.js';

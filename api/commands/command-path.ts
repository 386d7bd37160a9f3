import type { UpdateDefinition } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Role } from '../../db/tables/reference.js';
import type { Actor } from '../../workflows/shared/actor.js';
import type { Viewer } from '../access/scope.js';
import type { RecordRoutes } from '../routes/record-reads.js';
import { viewerOf } from '../access/viewer.js';
import { actorOf } from '../plugins/auth.js';
import type { HttpProblem } from '../problems.js';
import { errorResponses } from '../schemas/common.js';
import { isWorkflowGone, refusalToProblem } from '../temporal-errors.js';

/**
 * The one path every command of every process takes (docs/architecture.md):
 *
 *   schema → authorization (role, then scope) → the workflow's Update (its validator refuses)
 *   → the workflow records the change in one transaction (projection, timeline, audit, key)
 *   → the answer.
 *
 * A process declares what differs: how to find its record in the caller's scope, which workflow
 * takes the record's commands, and how to answer. Each command declares its path, body schema,
 * roles, Update and how the body becomes the command; where its answer differs, its description
 * and its status (202 while another system has not confirmed the command).
 */
export interface ProcessCommands<Row, State> {
  /** OpenAPI tag of the process. */
  tag: string;
  /** The URL of one record, e.g. '/meldingen/:meldingId'. */
  base: string;
  /** The path parameter naming the record. */
  idParam: string;
  params: object;
  headers?: object;
  response: object;
  db: Kysely<Database>;
  temporal: Client;
  /** The record in the viewer's scope; undefined answers 404, as for an unknown id. */
  find(viewer: Viewer, id: string): Promise<Row | undefined>;
  /** The workflow that takes this record's commands now. */
  workflowOf(row: Row): string | Promise<string>;
  /** The problem when that workflow no longer takes commands. */
  gone(row: Row): HttpProblem;
  /**
   * For a process whose workflow is started after its record commits (reports, issue 15): starts
   * it now when its start is still queued (its error when that fails); the command is then given
   * once more, and a workflow still missing means gone.
   */
  startQueued?(row: Row): Promise<unknown>;
  notFound(id: string): HttpProblem;
  answer(row: Row, state: State, viewer: Viewer): unknown;
}

export interface CommandContext<Row> {
  request: FastifyRequest;
  actor: Actor;
  viewer: Viewer;
  row: Row;
}

export interface CommandSpec<Row, State, Body, Cmd> {
  path: string;
  summary: string;
  roles: readonly Role[];
  body: object;
  update: UpdateDefinition<State, [Cmd]>;
  /** The command the Update receives; may look things up and refuse with a 400. */
  toCommand(body: Body, context: CommandContext<Row>): Cmd | Promise<Cmd>;
  /** The OpenAPI description, where the answer says more than the common one. */
  description?: string;
  /**
   * A command the process passes on to another system (Modular): 202 while that system has not
   * confirmed it, 200 once it has (both documented); throws the problem when that system refused.
   */
  status?(state: State): 200 | 202;
}

/** A declared command, its types closed over: a process's list of commands is one array. */
export interface DeclaredCommand<Row, State> {
  path: string;
  register(app: FastifyInstance, process: ProcessCommands<Row, State>): void;
}

const description =
  'Answers the new state. 404 when the record does not exist or lies outside the caller\'s scope; ' +
  '409 when the command is not allowed in the current step. An Idempotency-Key makes a retried command count once.';

export function command<Row, State, Body, Cmd>(spec: CommandSpec<Row, State, Body, Cmd>): DeclaredCommand<Row, State> {
  return {
    path: spec.path,
    register(app, process) {
      async function execute(row: Row, cmd: Cmd, key: string | undefined, mayStart = true): Promise<State> {
        try {
          const handle = process.temporal.workflow.getHandle(await process.workflowOf(row));
          return await handle.executeUpdate(spec.update, { args: [cmd], ...(key ? { updateId: `${spec.path}:${key}` } : {}) });
        } catch (err) {
          const refusal = refusalToProblem(err);
          if (refusal) throw refusal;
          if (isWorkflowGone(err)) {
            // Given once more whether or not a start was still queued: the intake's own start may
            // have made the workflow, and taken its request away, since this command missed it.
            if (mayStart && process.startQueued) {
              await process.startQueued(row);
              return execute(row, cmd, key, false);
            }
            throw process.gone(row);
          }
          throw err;
        }
      }
      async function handle(request: FastifyRequest<{ Params: Record<string, string>; Headers: { 'idempotency-key'?: string } }>, reply: FastifyReply) {
        const viewer = await viewerOf(request, process.db);
        const id = request.params[process.idParam]!;
        const row = await process.find(viewer, id);
        if (!row) throw process.notFound(id);
        // The body schema has been checked: the body is what the command declares.
        const cmd = await spec.toCommand(request.body as Body, { request, actor: actorOf(request), viewer, row });
        const state = await execute(row, cmd, request.headers['idempotency-key']);
        const status = spec.status?.(state) ?? 200;
        return reply.code(status).send(await process.answer(row, state, viewer));
      }
      app.post(`${process.base}/${spec.path}`, {
        config: { roles: spec.roles },
        schema: {
          tags: [process.tag],
          summary: spec.summary,
          description: spec.description ?? description,
          params: process.params,
          ...(process.headers ? { headers: process.headers } : {}),
          body: spec.body,
          response: { 200: process.response, ...(spec.status ? { 202: process.response } : {}), ...errorResponses(400, 404, 409, 413, 415) },
        },
      }, handle);
    },
  };
}

/** Registers a process's commands: one route each, all on the one path above. */
export function registerCommands<Row, State>(app: FastifyInstance, process: ProcessCommands<Row, State>, commands: readonly DeclaredCommand<Row, State>[]): void {
  for (const c of commands) c.register(app, process);
}

/**
 * What a register's commands take from its records' routes (the record's URL, path parameter and
 * schema, as its reads use them), with the app's database and Temporal; the workflow that takes
 * the commands is the row's own (`workflow_id`).
 */
export function recordCommands<Row extends { workflow_id: string }>(tag: string, records: RecordRoutes, deps: { db: Kysely<Database>; temporal: Client }) {
  return {
    tag,
    base: `${records.path}/:${records.idParam}`,
    idParam: records.idParam,
    params: records.params,
    response: records.record,
    db: deps.db,
    temporal: deps.temporal,
    workflowOf: (row: Row) => row.workflow_id,
  };
}

/** The body as the command, with who gave it: the default for commands that need nothing more. */
export function withActor<Body extends object>(body: Body, { actor }: { actor: Actor }): Body & { actor: Actor } {
  return { ...body, actor };
}

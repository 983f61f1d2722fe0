/**
 * The sandbox's HTTP side: POST /graphql with Linear's behaviour around the GraphQL execution —
 * the API key in `Authorization`, faults on demand, `X-RateLimit-*` and `X-Complexity` headers on
 * every answer, Linear's limits (`first` <= 250, complexity <= 10,000) before execution, and
 * errors in Linear's shapes. Every request is logged with its GraphQL operation name.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  execute,
  type GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  Kind,
} from 'graphql';
import { readBody, sleep, type FaultInjector, type RequestLog } from '../../sandbox-kit/index.js';
import type { Workspace } from './data.js';
import { errorBody, statusForErrors } from './errors.js';
import { checkLimits, LimitError } from './limits.js';
import { mutationRoot } from './mutations.js';
import type { RateWindow } from './rate.js';
import { queryRoot } from './resolvers.js';

export interface SandboxHttpState {
  ws: Workspace;
  schema: GraphQLSchema;
  apiKey: string;
  log: RequestLog;
  faults: FaultInjector;
  rate: RateWindow;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}

function operationOf(
  document: DocumentNode | null,
  body: { operationName?: unknown } | null,
): string {
  if (typeof body?.operationName === 'string') return body.operationName;
  const op = document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  return op && 'name' in op && op.name ? op.name.value : 'anonymous';
}

function rateLimited(state: SandboxHttpState, resetAtMs: number): Answer {
  const { status, body } = errorBody(
    'ratelimited',
    'Rate limit exceeded',
    state.rate.requestsRemaining <= 0
      ? `Rate limit exceeded. Only ${state.rate.requestsLimit} requests are allowed per 1 hour.`
      : `Rate limit exceeded. Only ${state.rate.complexityLimit} complexity points are allowed per 1 hour.`,
  );
  return {
    status,
    body,
    headers: { ...state.rate.headers(0, resetAtMs), 'x-ratelimit-requests-remaining': '0' },
  };
}

/**
 * Everything after faults and auth: validate, limits, the budget, execute. As Linear does, a
 * request is refused (RATELIMITED) when the requests are spent or its complexity exceeds the
 * points left; an invalid or too complex document costs a request but no points.
 */
function run(
  state: SandboxHttpState,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | undefined,
): Answer {
  const invalid = validated(state.schema, document);
  let refusal: Answer | null = null;
  let complexity = 0;
  if (invalid.length > 0) {
    refusal = errorBody('graphql', invalid.map((e) => e.message).join('; '));
  } else {
    try {
      complexity = checkLimits(state.schema, document, variables, operationName);
    } catch (err) {
      if (!(err instanceof LimitError)) throw err;
      refusal = errorBody('invalidInput', err.message, err.userMessage);
    }
  }
  const resetAtMs = state.rate.resetAtMs;
  if (!state.rate.admit(complexity)) return rateLimited(state, resetAtMs);
  if (refusal) return refusal;
  state.rate.record(operationOf(document, { operationName }), complexity);
  const rootValue = { ...queryRoot(state.ws), ...mutationRoot(state.ws) };
  const result = execute({
    schema: state.schema,
    document,
    rootValue,
    variableValues: variables,
    ...(operationName ? { operationName } : {}),
  }) as { data?: unknown; errors?: readonly GraphQLError[] };
  const headers = state.rate.headers(complexity);
  if (!result.errors?.length) return { status: 200, body: { data: result.data }, headers };
  // Errors graphql-js raises itself (variable coercion) carry no Linear type: report them as Linear does.
  const errors = result.errors.map((e) => {
    const json = e.toJSON();
    return e.extensions['type'] ? json : { ...json, extensions: errorExtensions(e.message) };
  });
  const status = result.errors.every((e) => e.extensions['type'])
    ? statusForErrors(result.errors)
    : 400;
  return { status, body: { data: result.data ?? null, errors }, headers };
}

function errorExtensions(message: string): Record<string, unknown> {
  const { body } = errorBody('graphql', message) as {
    body: { errors: [{ extensions: Record<string, unknown> }] };
  };
  return body.errors[0].extensions;
}

async function answer(
  state: SandboxHttpState,
  req: IncomingMessage,
  parsed: RequestBody,
  document: DocumentNode | null,
): Promise<Answer> {
  if (req.method !== 'POST' || !req.url?.startsWith('/graphql'))
    return { status: 404, body: 'Not found', contentType: 'text/plain' };
  if (state.faults.latency > 0) await sleep(state.faults.latency);
  const fault = state.faults.next();
  if (fault?.kind === 'latency') await sleep(fault.ms);
  if (fault?.kind === 'rate_limit')
    return rateLimited(state, Date.now() + fault.retryAfterSec * 1000);
  if (fault?.kind === 'server_error')
    return { status: fault.status, body: 'upstream unavailable', contentType: 'text/plain' };
  // As a gateway in front of Linear answers: the status alone, no rate-limit headers.
  if (fault?.kind === 'bare_status')
    return { status: fault.status, body: `${fault.status}`, contentType: 'text/plain' };
  if (req.headers.authorization !== state.apiKey) {
    return errorBody(
      'auth',
      'Authentication required, not authenticated',
      'You need to authenticate to access this operation.',
    );
  }
  if (!document) {
    const resetAtMs = state.rate.resetAtMs;
    if (!state.rate.admit(0)) return rateLimited(state, resetAtMs);
    return errorBody(
      'graphql',
      typeof parsed?.query === 'string' ? 'Syntax Error in query' : 'Must provide query string.',
    );
  }
  const variables = (parsed?.variables ?? {}) as Record<string, unknown>;
  const operationName =
    typeof parsed?.operationName === 'string' ? parsed.operationName : undefined;
  return run(state, document, variables, operationName);
}

type RequestBody = { query?: unknown; variables?: unknown; operationName?: unknown } | null;

// Clients send the same few documents over and over: parse and validate each text once, as
// Linear's servers do, so the sandbox is never the bottleneck of a benchmark.
const documents = new Map<string, DocumentNode>();
const validations = new WeakMap<DocumentNode, readonly GraphQLError[]>();
const MAX_CACHED_DOCUMENTS = 500;

function parsedDocument(query: string): DocumentNode {
  let document = documents.get(query);
  if (!document) {
    document = parse(query);
    if (documents.size < MAX_CACHED_DOCUMENTS) documents.set(query, document);
  }
  return document;
}

function validated(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[] {
  let errors = validations.get(document);
  if (!errors) {
    errors = validate(schema, document);
    validations.set(document, errors);
  }
  return errors;
}

function parseRequest(raw: Buffer): { parsed: RequestBody; document: DocumentNode | null } {
  let parsed: RequestBody = null;
  try {
    parsed = JSON.parse(raw.toString('utf8')) as RequestBody;
    const query = parsed?.query;
    return { parsed, document: typeof query === 'string' ? parsedDocument(query) : null };
  } catch {
    return { parsed, document: null }; // answered as a GraphQL error, as Linear does
  }
}

export function createHandler(
  state: SandboxHttpState,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      // A client that hung up mid-body is answered (to nobody) as an empty request, and logged.
      const raw = await readBody(req).catch(() => Buffer.alloc(0));
      const { parsed, document } = parseRequest(raw);
      const result = await answer(state, req, parsed, document).catch((err: unknown): Answer => ({
        status: 500,
        body: `sandbox error: ${String(err)}`,
        contentType: 'text/plain',
      }));
      // Logged before answering, so a client that got its answer always finds its entry.
      state.log.add({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        body: parsed,
        status: result.status,
        atMs: Date.now(),
        operation: operationOf(document, parsed),
      });
      if (res.destroyed) return; // the sandbox closed while this request waited
      const text = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
      res.writeHead(result.status, {
        'content-type': result.contentType ?? 'application/json; charset=utf-8',
        ...result.headers,
      });
      res.end(text);
    })();
  };
}

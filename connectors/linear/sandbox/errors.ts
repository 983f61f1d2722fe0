/**
 * Linear's error shapes, so the real SDK's `parseLinearError` picks the class Linear would produce:
 * it reads `errors[0].extensions.type` (lowercase words), so that field must be present.
 * Observed bodies: rate limit = HTTP 400 `ratelimited`/`RATELIMITED` (statusCode 429); bad key =
 * HTTP 401 `authentication error`; bad input and "Query too complex" = HTTP 400 `invalid input`/
 * `INPUT_ERROR`; an unknown id = HTTP 200 `invalid input` ("Entity not found").
 */
import { GraphQLError } from 'graphql';

const KINDS = {
  invalidInput: { type: 'invalid input', code: 'INPUT_ERROR', statusCode: 400, http: 400 },
  notFound: { type: 'invalid input', code: 'INPUT_ERROR', statusCode: 404, http: 200 },
  auth: { type: 'authentication error', code: 'AUTHENTICATION_ERROR', statusCode: 401, http: 401 },
  ratelimited: { type: 'ratelimited', code: 'RATELIMITED', statusCode: 429, http: 400 },
  graphql: { type: 'graphql error', code: 'GRAPHQL_VALIDATION_FAILED', statusCode: 400, http: 400 },
} as const;
export type SandboxErrorKind = keyof typeof KINDS;

function extensions(
  kind: SandboxErrorKind,
  userPresentableMessage: string,
): Record<string, unknown> {
  const { type, code, statusCode } = KINDS[kind];
  return { type, code, statusCode, userError: true, userPresentableMessage };
}

/** Thrown from resolvers; graphql-js copies `extensions` into the response. */
export function linearError(
  kind: SandboxErrorKind,
  message: string,
  userMessage = message,
): GraphQLError {
  return new GraphQLError(message, { extensions: extensions(kind, userMessage) });
}

/** A whole error response body, for failures before execution (auth, limits, rate limit). */
export function errorBody(
  kind: SandboxErrorKind,
  message: string,
  userMessage = message,
): { status: number; body: unknown } {
  return {
    status: KINDS[kind].http,
    body: { errors: [{ message, extensions: extensions(kind, userMessage) }] },
  };
}

/** HTTP status for an execution result: 400 when any error is a 400 kind, else 200 (not found). */
export function statusForErrors(errors: readonly GraphQLError[]): number {
  return errors.some((e) => e.extensions['statusCode'] !== 404) ? 400 : 200;
}

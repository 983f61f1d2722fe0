/**
 * Every error the HTTP API answers, in one shape: `{ error: { code, message, issues? } }`.
 * Codes are stable (clients and alerts match on them); messages say what was wrong and how to fix it.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

export interface ErrorIssue {
  /** Field path within the request part, e.g. `horizonMonths` or `priorityThresholdsUsd.high`. */
  path: string;
  message: string;
}

export const ERROR_CODES = [
  'invalid_body',
  'invalid_query',
  'invalid_params',
  'invalid_headers',
  'invalid_request',
  'invalid_json',
  'body_too_large',
  'unsupported_media_type',
  'not_found',
  'unknown_tracker',
  'issue_not_found',
  'review_not_configured',
  'delivery_failed',
  'not_in_review',
  'nothing_pending',
  'not_in_plan',
  'unauthorized',
  'admin_disabled',
  'internal_error',
] as const;

/**
 * Codes of the server's own errors. Webhook rejections pass the connector's codes through
 * (bad_signature, missing_signature, stale_timestamp, webhook_secret_missing, invalid_body, ...).
 */
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    message: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
  }
}

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export function errorBody(code: string, message: string, issues?: ErrorIssue[]): ErrorBody {
  return { error: { code, message, ...(issues ? { issues } : {}) } };
}

/** Fastify's own 4xx errors (body parsing, limits) mapped to our codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_VALIDATION: 'invalid_request',
};

function toAppError(err: FastifyError | AppError): AppError {
  if (err instanceof AppError) return err;
  const status = err.statusCode ?? 500;
  if (status >= 500) return new AppError('internal_error', 500, 'internal error (see the logs)');
  // JSON.parse messages quote part of the body: answer (and log) only where it broke.
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    const at = /position \d+/.exec(err.message)?.[0];
    return new AppError('invalid_json', 400, `body is not valid JSON${at ? ` (at ${at})` : ''}`);
  }
  return new AppError(FASTIFY_CODES[err.code] ?? 'invalid_request', status, err.message);
}

/** Sets the error and not-found handlers; call before registering routes so every scope inherits them. */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(
    (err: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
      const appError = toAppError(err);
      // 5xx are ours: log them once, with the stack. 4xx are the caller's: a short line is enough.
      if (appError.statusCode >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ code: appError.code, status: appError.statusCode }, appError.message);
      return reply
        .code(appError.statusCode)
        .send(errorBody(appError.code, appError.message, appError.issues));
    },
  );
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`),
      ),
  );
}

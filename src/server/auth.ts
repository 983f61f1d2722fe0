/** Admin authentication: `Authorization: Bearer <adminToken>`, compared in constant time. */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError } from './errors.js';

export const ADMIN_DISABLED_MESSAGE =
  'set adminToken in the config (or NETVALUE_ADMIN_TOKEN) to enable /admin';

/** The token from an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? (match[1] as string) : null;
}

/**
 * True when `given` equals `expected`. Lengths are compared first because timingSafeEqual throws
 * on unequal lengths; only the length can leak, never the content.
 */
export function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * An onRequest hook for the admin scope: it runs before the body is parsed, so an unauthenticated
 * caller costs no parsing. Without a configured token the whole admin API is off (503), never open.
 */
export function adminAuth(adminToken: string | undefined) {
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    done(refusal(adminToken, request.headers.authorization));
  };
}

/** Why a request may not use the admin API, or undefined when it may. */
export function refusal(
  adminToken: string | undefined,
  authorization: string | undefined,
): AppError | undefined {
  if (adminToken === undefined) return new AppError('admin_disabled', 503, ADMIN_DISABLED_MESSAGE);
  const given = bearerToken(authorization);
  if (given === null) {
    return new AppError('unauthorized', 401, 'missing Authorization: Bearer <adminToken> header');
  }
  if (!tokenMatches(given, adminToken)) {
    return new AppError('unauthorized', 401, 'the bearer token does not match adminToken');
  }
  return undefined;
}

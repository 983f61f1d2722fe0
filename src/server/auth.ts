/**
 * Admin authentication (`Authorization: Bearer <adminToken>`, compared in constant time) and the
 * limit on failed authentications per client address, for the admin API and webhook signatures.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import type { AuthScope } from '../store/auth-failures.js';
import { AppError, errorBody } from './errors.js';
import type { ServerContext } from './server-context.js';

export const ADMIN_DISABLED_MESSAGE =
  'set adminToken in the config (or NETVALUE_ADMIN_TOKEN) to enable /admin';

/** The token from an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? (match[1] as string) : null;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * True when `given` equals `expected`, in constant time: both are hashed first, so the compared
 * buffers always have the same length and neither the content nor the length leaks.
 */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
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

/** Which limit a request counts against: the admin API, the webhooks, or none. */
export function authScope(url: string): AuthScope | null {
  if (/^\/admin(?:[/?#]|$)/.test(url)) return 'admin';
  if (url.startsWith('/webhooks/')) return 'webhook';
  return null;
}

/**
 * Limits failed authentications per client address (`request.ip`; see `server.trustProxy`): every
 * 401 from the admin API or a webhook route is counted in Redis (so the limit holds across
 * processes) and logged at warn with the address, never the credential; an address with
 * `server.authFailuresPerMinute` failures in the current minute is answered 429 with Retry-After,
 * before its token or signature is even looked at. A Redis error never blocks anyone: the routes
 * behind need Redis anyway and answer for themselves.
 */
export function limitAuthFailures(app: FastifyInstance, ctx: ServerContext): void {
  const limit = ctx.config.server.authFailuresPerMinute;
  const failures = ctx.meta.authFailures;

  app.addHook('onRequest', async (request, reply) => {
    const scope = authScope(request.url);
    if (scope === null) return;
    const blockedMs = await failures.blockedForMs(scope, request.ip, limit).catch(() => 0);
    if (blockedMs === 0) return;
    const retryAfterSec = Math.ceil(blockedMs / 1000);
    request.log.warn(
      { ip: request.ip, scope, retryAfterSec },
      'authentication refused: too many failures from this address',
    );
    await reply
      .code(429)
      .header('retry-after', String(retryAfterSec))
      .send(
        errorBody(
          'too_many_failures',
          `too many failed authentications from this address; retry in ${retryAfterSec} s`,
        ),
      );
  });

  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode !== 401) return;
    const scope = authScope(request.url);
    if (scope === null) return;
    const count = await failures.record(scope, request.ip).catch(() => null);
    request.log.warn(
      { ip: request.ip, scope, failuresThisMinute: count, limit },
      scope === 'admin' ? 'admin authentication failed' : 'webhook authentication failed',
    );
  });
}

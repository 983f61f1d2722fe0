/**
 * The HTTP server: webhooks, admin API, health and metrics, OpenAPI document. Built from its
 * dependencies (main.ts starts it; tests call `inject()` or listen on a free port).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { JobsReporter, ServerContext } from './server-context.js';
import { limitAuthFailures } from './auth.js';
import { errorBody, registerErrorHandlers } from './errors.js';
import { registerOpenApi } from './openapi.js';
import { adminRoutes } from './routes/admin.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes } from './routes/health.js';
import { webhookRoutes } from './routes/webhooks.js';
import { jsonSerializerCompiler, zodValidatorCompiler } from './validation.js';

export interface ServerDeps {
  ctx: ServerContext;
  /** Whether this process's workers are running (readiness). */
  workersRunning: () => boolean;
  /** When jobs run in a thread (`serve`): its metrics and the rate budgets its calls saw. */
  jobs?: JobsReporter;
}

/** A caller's request id is kept when it is short and plain (it ends up in every log line). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = Array.isArray(given) ? given[0] : given;
  return id !== undefined && REQUEST_ID.test(id) ? id : randomUUID();
}

/**
 * Node checks request and header deadlines on a timer (30 s by default), so a deadline could be
 * overrun by up to that much: check a few times per deadline instead.
 */
export function deadlineCheckMs(requestTimeoutMs: number): number {
  return Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 4)));
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { ctx } = deps;
  const { server } = ctx.config;
  // The context's logger redacts authorization headers, signatures and config secrets.
  const logger: FastifyBaseLogger = ctx.logger;
  const app = Fastify({
    loggerInstance: logger,
    genReqId: requestId,
    bodyLimit: server.bodyLimitBytes,
    // Trackers and scrapers keep connections open; this bounds how long shutdown waits.
    forceCloseConnections: 'idle',
    // A client that trickles its request (slowloris) or holds an idle socket is cut off: the whole
    // request within requestTimeoutMs (408), no silence longer than connectionTimeoutMs, and an idle
    // keep-alive connection closed after keepAliveTimeoutMs (README, "Security").
    requestTimeout: server.requestTimeoutMs,
    connectionTimeout: server.connectionTimeoutMs,
    keepAliveTimeout: server.keepAliveTimeoutMs,
    http: {
      headersTimeout: server.requestTimeoutMs,
      connectionsCheckingInterval: deadlineCheckMs(server.requestTimeoutMs),
    },
    // The client address the auth-failure limit counts by (behind a proxy: X-Forwarded-For).
    trustProxy: server.trustProxy,
    // Errors raised before routing (a bad percent-encoding in the path) get the API's error shape.
    frameworkErrors: (error, _request, reply) => {
      // Typed for routes with schemas; this reply has none, so it is the plain FastifyReply.
      void (reply as unknown as FastifyReply)
        .code(400)
        .send(errorBody('invalid_request', `malformed request: ${error.message}`));
    },
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);
  registerErrorHandlers(app);
  limitAuthFailures(app, ctx);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await registerOpenApi(app);
  await app.register(webhookRoutes, { ctx });
  await app.register(adminRoutes, deps);
  await app.register(healthRoutes, deps);
  await app.register(dashboardRoutes);
  await app.ready();
  return app;
}

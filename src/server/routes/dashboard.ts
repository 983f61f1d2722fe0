/**
 * `GET /`: the dashboard page, and its script, stylesheet and icon under `/dashboard/`. They are
 * public because they hold no data: the script asks for the admin token and reads the admin API
 * from this same origin. Every file comes from this origin, so the CSP allows nothing else and
 * no inline code at all (no 'unsafe-inline'): an injected script or style would not run.
 */
import type { FastifyReply } from 'fastify';
import type { ZodPlugin } from '../validation.js';
import {
  DASHBOARD_ASSETS,
  DASHBOARD_HTML,
  DASHBOARD_ICON,
  DASHBOARD_SCRIPT,
  DASHBOARD_STYLES,
} from '../dashboard/page.js';

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function send(reply: FastifyReply, type: string, body: string) {
  return (
    reply
      .header('content-security-policy', DASHBOARD_CSP)
      .header('x-content-type-options', 'nosniff')
      // Issue links open the trackers: they need not learn the dashboard's address.
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .type(type)
      .send(body)
  );
}

export const dashboardRoutes: ZodPlugin = (app, _options, done) => {
  const hide = { schema: { hide: true } };
  app.get('/', hide, (_request, reply) => send(reply, 'text/html; charset=utf-8', DASHBOARD_HTML));
  app.get(DASHBOARD_ASSETS.script, hide, (_request, reply) =>
    send(reply, 'text/javascript; charset=utf-8', DASHBOARD_SCRIPT),
  );
  app.get(DASHBOARD_ASSETS.styles, hide, (_request, reply) =>
    send(reply, 'text/css; charset=utf-8', DASHBOARD_STYLES),
  );
  app.get(DASHBOARD_ASSETS.icon, hide, (_request, reply) =>
    send(reply, 'image/svg+xml', DASHBOARD_ICON),
  );
  done();
};

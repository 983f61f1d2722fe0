/**
 * `GET /`: the dashboard page. It is public because it holds no data: its script asks for the
 * admin token and reads the admin API from this same origin, which is all the CSP allows.
 */
import type { ZodPlugin } from '../validation.js';
import { DASHBOARD_HTML } from '../dashboard/page.js';

/** Inline style and script (the page is one file), everything else from this origin only. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const dashboardRoutes: ZodPlugin = (app, _options, done) => {
  app.get('/', { schema: { hide: true } }, (_request, reply) =>
    reply
      .header('content-security-policy', DASHBOARD_CSP)
      .header('x-content-type-options', 'nosniff')
      // Issue links open the trackers: they need not learn the dashboard's address.
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(DASHBOARD_HTML),
  );
  done();
};

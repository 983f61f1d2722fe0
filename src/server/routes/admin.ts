/**
 * The admin API under `/admin`, behind `Authorization: Bearer <adminToken>` (auth.ts). Each group
 * of routes lives in its own admin-*.ts file; this scope adds the token check to all of them.
 */
import { adminAuth } from '../auth.js';
import type { ZodPlugin } from '../validation.js';
import { adminDashboardRoutes } from './admin-dashboard.js';
import { adminFailedRoutes } from './admin-failed.js';
import { adminHistoryRoutes } from './admin-history.js';
import type { AdminRoutesOptions } from './admin-options.js';
import { adminPlansRoutes } from './admin-plans.js';
import { adminRankingRoutes } from './admin-ranking.js';
import { adminReviewRoutes } from './admin-review.js';
import { adminStatusRoutes } from './admin-status.js';
import { adminSyncRoutes } from './admin-sync.js';

export type { AdminRoutesOptions } from './admin-options.js';

export const adminRoutes: ZodPlugin<AdminRoutesOptions> = (app, options, done) => {
  app.addHook('onRequest', adminAuth(options.ctx.config.adminToken));
  void app.register(adminStatusRoutes, options);
  void app.register(adminRankingRoutes, options);
  void app.register(adminHistoryRoutes, options);
  void app.register(adminSyncRoutes, options);
  void app.register(adminFailedRoutes, options);
  void app.register(adminReviewRoutes, options);
  void app.register(adminPlansRoutes, options);
  void app.register(adminDashboardRoutes, options);
  done();
};

/**
 * Whether our edits carry `notifyUsers=false`. Jira Cloud accepts it only from an account with
 * Administer Jira, or Administer Projects in the issue's project; from any other account it refuses
 * the whole edit (403 "To discard the user notification either admin or project admin permissions
 * are required."), although the OpenAPI text says the parameter is then ignored.
 *
 * `notifyUsers` set in config is honoured as is. Unset, the connector asks Jira once at create()
 * (GET /rest/api/3/mypermissions) and suppresses notifications only when the account may: with
 * Administer Jira everywhere; with Administer Projects somewhere it tries, and a project whose edit
 * is refused for it is written again without the parameter and notifies from then on.
 */
import { z } from 'zod';
import { isTrackerError } from '../../src/domain/index.js';
import { send, type JiraClients } from './client.js';
import type { ErrorContext } from './errors.js';

/** The permissions that let an account send notifyUsers=false. */
export const NOTIFY_PERMISSIONS = 'ADMINISTER,ADMINISTER_PROJECTS';

const MyPermissions = z.looseObject({
  permissions: z
    .record(z.string(), z.looseObject({ havePermission: z.boolean().optional() }))
    .default({}),
});

export interface AdminRights {
  /** Administer Jira (global). */
  jira: boolean;
  /** Administer Projects: in the given project, or in any project when none is given. */
  projects: boolean;
}

/** GET /rest/api/3/mypermissions for the two admin permissions (one read). */
export async function readAdminRights(
  clients: JiraClients,
  context: ErrorContext,
  projectKey?: string,
): Promise<AdminRights> {
  const body = await send(clients, 'read', context, () =>
    clients.v3.permissions.getMyPermissions<unknown>({
      permissions: NOTIFY_PERMISSIONS,
      ...(projectKey === undefined ? {} : { projectKey }),
    }),
  );
  const parsed = MyPermissions.safeParse(body);
  const held = (key: string): boolean =>
    parsed.success && parsed.data.permissions[key]?.havePermission === true;
  return { jira: held('ADMINISTER'), projects: held('ADMINISTER_PROJECTS') };
}

/** The project key of an issue key (`APP-12` → `APP`). */
export function projectOf(issueKey: string): string {
  const dash = issueKey.lastIndexOf('-');
  return dash > 0 ? issueKey.slice(0, dash).toUpperCase() : issueKey.toUpperCase();
}

export class NotifyPolicy {
  /** Projects where an edit with notifyUsers=false was refused: their edits notify. */
  private readonly refused = new Set<string>();

  /**
   * @param suppress whether edits are sent with notifyUsers=false
   * @param fromConfig true when config set `notifyUsers` (then a refusal is an error, no retry)
   */
  constructor(
    readonly suppress: boolean,
    readonly fromConfig: boolean,
  ) {}

  /** Resolves config's `notifyUsers`: set → as configured; unset → ask Jira (one read). */
  static async resolve(
    configured: boolean | undefined,
    clients: JiraClients,
    context: ErrorContext,
  ): Promise<NotifyPolicy> {
    if (configured !== undefined) return new NotifyPolicy(!configured, true);
    try {
      const rights = await readAdminRights(clients, context);
      return new NotifyPolicy(rights.jira || rights.projects, false);
    } catch {
      // Unknown: notifying watchers is the behaviour that never makes an edit fail.
      return new NotifyPolicy(false, false);
    }
  }

  /** Whether an edit of this issue is sent with notifyUsers=false. */
  quietFor(issueKey: string): boolean {
    return this.suppress && !this.refused.has(projectOf(issueKey));
  }

  /** Whether a failed quiet edit is sent again without notifyUsers (only when we chose to suppress). */
  retriesLoud(err: unknown): boolean {
    return !this.fromConfig && isTrackerError(err) && err.details.status === 403;
  }

  /** A quiet edit in this issue's project was refused, and the same edit without it went through. */
  refusedIn(issueKey: string): void {
    this.refused.add(projectOf(issueKey));
  }
}

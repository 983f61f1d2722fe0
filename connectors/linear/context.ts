/**
 * What a running Linear connector knows after create(): the client, the mapping context, who we
 * are (to recognise our own webhook echoes) and the workspace's label groups and teams by id
 * (webhook payloads carry only ids for a label's parent and, sometimes, for the team).
 */
import type { ConnectorDeps } from '../connector.js';
import type { LinearApi } from './client.js';
import type { MappingContext } from './to-issue.js';

export interface LinearContext {
  api: LinearApi;
  mapping: MappingContext;
  /** The user the API key belongs to; null when unknown. */
  viewerId: string | null;
  groupNamesById: ReadonlyMap<string, string>;
  teamKeysById: ReadonlyMap<string, string>;
  /** `${publicUrl}/issues/<trackerId>/`: every netvalue attachment URL of this tracker starts so. */
  attachmentUrlPrefix: string;
}

export function attachmentUrlPrefix(deps: ConnectorDeps, trackerId: string): string {
  return `${deps.publicUrl.replace(/\/+$/, '')}/issues/${encodeURIComponent(trackerId)}/`;
}

/** The one attachment URL per issue; Linear upserts attachments on (url, issueId). */
export function attachmentUrl(
  ctx: Pick<LinearContext, 'attachmentUrlPrefix'>,
  key: string,
): string {
  return `${ctx.attachmentUrlPrefix}${encodeURIComponent(key)}`;
}

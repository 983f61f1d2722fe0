/** Shapes shared by the sandbox's route handlers. */
import type { SearchEnv, SearchPager } from './search.js';
import type { SandboxState } from './state.js';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteRequest {
  url: URL;
  /** Parsed JSON body; undefined when empty. */
  body: unknown;
}

export interface RouteEnv {
  state: SandboxState;
  pager: SearchPager;
  searchEnv: () => SearchEnv;
}

export interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  handle(req: RouteRequest, params: string[], env: RouteEnv): Reply;
}

export const errors = (
  status: number,
  messages: string[],
  fieldErrors: Record<string, string> = {},
): Reply => ({
  status,
  body: { errorMessages: messages, errors: fieldErrors },
});

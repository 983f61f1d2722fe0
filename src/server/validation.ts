/**
 * Route validation with zod: route schemas are zod types, checked by this validator compiler
 * (so request parts are parsed with `.strict()` and the same limits as the config), typed through
 * `ZodTypeProvider`, and turned into JSON Schema only for the OpenAPI document (openapi.ts).
 */
import type {
  FastifyPluginCallback,
  FastifyPluginOptions,
  FastifySchemaCompiler,
  FastifyTypeProvider,
  RawServerDefault,
} from 'fastify';
import { z } from 'zod';
import { AppError, type ErrorCode, type ErrorIssue } from './errors.js';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/** A plugin whose routes are typed from their zod schemas (callback style: it only declares routes). */
export type ZodPlugin<Options extends FastifyPluginOptions = Record<never, never>> =
  FastifyPluginCallback<Options, RawServerDefault, ZodTypeProvider>;

const PART_CODE: Record<string, ErrorCode> = {
  body: 'invalid_body',
  querystring: 'invalid_query',
  params: 'invalid_params',
  headers: 'invalid_headers',
};

/** `a.b[0].c` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/** One issue per field; an unknown key is reported at the key's own path. */
export function describeIssues(error: z.ZodError): ErrorIssue[] {
  return error.issues.flatMap((issue): ErrorIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath([...issue.path, key]),
          message: 'unknown key',
        }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}

/** The AppError for a request part that failed its schema. */
export function validationError(part: string, error: z.ZodError): AppError {
  const issues = describeIssues(error);
  const where = part === 'querystring' ? 'query' : part;
  const summary = issues
    .map((i) => `${i.path ? `${where}.${i.path}` : where}: ${i.message}`)
    .join('; ');
  return new AppError(PART_CODE[part] ?? 'invalid_request', 400, summary, issues);
}

export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const part = httpPart ?? 'body';
  return (data: unknown) => {
    // Fastify passes null for a missing body; an optional body schema then sees undefined.
    const result = schema.safeParse(part === 'body' && data === null ? undefined : data);
    return result.success ? { value: result.data } : { error: validationError(part, result.error) };
  };
};

/**
 * Responses are typed by their zod schemas at compile time and documented in OpenAPI; at run time
 * they are plain JSON (no second pass over every answer).
 */
export const jsonSerializerCompiler = () => (data: unknown) => JSON.stringify(data);

/** A non-negative whole number in a query string (`?limit=20`). */
export const queryInt = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

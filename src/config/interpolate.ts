/**
 * `${VAR}` and `${VAR:-default}` interpolation in every string of the parsed YAML tree.
 * An unset or empty variable without a default is a problem reported with its name and path (an
 * empty one is what a copied .env.example leaves); values are never echoed back, since they are
 * often secrets.
 */
export interface Problem {
  path: string;
  message: string;
}

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

export function interpolate(
  node: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: Problem[],
  path: PropertyKey[] = [],
): unknown {
  if (typeof node === 'string') {
    return node.replace(PATTERN, (_match, name: string, fallback: string | undefined) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      problems.push({
        path: formatPath(path),
        message: `environment variable ${name} is ${value === undefined ? 'not set' : 'empty'} (set it in the environment or in .env)`,
      });
      return '';
    });
  }
  if (Array.isArray(node)) return node.map((v, i) => interpolate(v, env, problems, [...path, i]));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, interpolate(v, env, problems, [...path, k])]),
    );
  }
  return node;
}

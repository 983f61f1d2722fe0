/**
 * Config files that try to break it (issue 15, section 3) and the secret rules (finding 1).
 * Whatever the text, `parseConfig` returns a valid config or throws a ConfigError whose every
 * problem has a path and a message: never another exception, never a secret echoed back.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { LinearTrackerConfig } from '../../connectors/linear/config.js';
import { ConfigError, parseConfig } from '../../src/config.js';
import { isPlaceholder, MIN_SECRET_LENGTH, weakSecretReason } from '../../src/domain/secrets.js';

const example = readFileSync(
  new URL('../../netvalue.config.example.yaml', import.meta.url),
  'utf8',
);
const GOOD = '9c4f1a7e2b8d0c3f6a5e9b1d7c2f8a4e0b6d3c9f1e7a5b2d8c4f0a6e3b9d1c7f';
const env = {
  NETVALUE_ADMIN_TOKEN: GOOD,
  JIRA_EMAIL: 'bot@acme.example',
  JIRA_API_TOKEN: 'jira-api-token',
  JIRA_WEBHOOK_SECRET: GOOD.split('').reverse().join(''),
  LINEAR_API_KEY: 'lin_api_key',
  LINEAR_WEBHOOK_SECRET: `${GOOD.slice(32)}${GOOD.slice(0, 32)}`,
};

/** The problems of a config text, or [] when it parses; any other exception fails the test. */
function problemsOf(text: string, environment: Record<string, string> = env): string[] {
  try {
    parseConfig(text, environment);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) {
      expect(typeof p.path).toBe('string');
      expect(p.message.length).toBeGreaterThan(0);
    }
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
}

/** `problemsOf` for random texts: every outcome is a ConfigError (problemsOf rethrows others). */
function randomTextProblems(text: string): void {
  problemsOf(text);
}

describe('secrets we choose: no defaults, no placeholders, no weak values (finding 1)', () => {
  const HINT = 'generate one with `openssl rand -hex 32`';
  const cases: {
    rule: string;
    key: 'NETVALUE_ADMIN_TOKEN' | 'JIRA_WEBHOOK_SECRET' | 'LINEAR_WEBHOOK_SECRET';
    value: string;
    path: string;
    message: string;
  }[] = [
    {
      rule: "the example file's old admin token fallback",
      key: 'NETVALUE_ADMIN_TOKEN',
      value: 'change-me-to-a-long-random-token',
      path: 'adminToken',
      message: `is a placeholder: ${HINT}`,
    },
    {
      rule: 'a set-... webhook placeholder, however long',
      key: 'JIRA_WEBHOOK_SECRET',
      value: 'set-JIRA_WEBHOOK_SECRET-in-your-environment-please',
      path: 'trackers[0].webhookSecret',
      message: `is a placeholder: ${HINT}`,
    },
    {
      rule: 'a short admin token (16 characters passed before)',
      key: 'NETVALUE_ADMIN_TOKEN',
      value: '0123456789abcdef',
      path: 'adminToken',
      message: `must be at least 32 characters (got 16): ${HINT}`,
    },
    {
      rule: 'a short webhook secret (any non-empty one passed before)',
      key: 'LINEAR_WEBHOOK_SECRET',
      value: 'lin_wh_secret',
      path: 'trackers[1].webhookSecret',
      message: `must be at least 32 characters (got 13): ${HINT}`,
    },
    {
      rule: 'one character repeated',
      key: 'NETVALUE_ADMIN_TOKEN',
      value: 'a'.repeat(64),
      path: 'adminToken',
      message: `is too easy to guess (fewer than 4 different characters): ${HINT}`,
    },
  ];

  it.each(cases)(
    '$rule is refused, naming the key and how to generate one',
    ({ key, value, path, message }) => {
      const problems = problemsOf(example, { ...env, [key]: value });
      expect(problems).toEqual([`${path}: ${message} and set it in the environment or .env`]);
      expect(problems.join('\n')).not.toContain(value);
    },
  );

  it('a secret from `openssl rand -hex 32` is accepted everywhere', () => {
    expect(problemsOf(example)).toEqual([]);
    expect(weakSecretReason(GOOD)).toBeNull();
    expect(GOOD.length).toBeGreaterThanOrEqual(MIN_SECRET_LENGTH);
  });

  it("the webhook secret rule is the tracker schema's own (every connector shares it)", () => {
    const parsed = LinearTrackerConfig.safeParse({
      id: 'l',
      kind: 'linear',
      apiKey: 'k',
      teams: ['ENG'],
      webhookSecret: 'whsec',
    });
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['webhookSecret']);
  });

  it('tracker-issued credentials keep their own rule: any non-empty value', () => {
    expect(problemsOf(example, { ...env, JIRA_API_TOKEN: 'x', LINEAR_API_KEY: 'k' })).toEqual([]);
  });

  it('property: a secret is accepted exactly when it is long, varied and no placeholder', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (secret) => {
        const problems = problemsOf(example, { ...env, NETVALUE_ADMIN_TOKEN: secret });
        const weak =
          secret === '' ||
          secret.length < MIN_SECRET_LENGTH ||
          isPlaceholder(secret) ||
          new Set(secret).size < 4;
        expect(problems.some((p) => p.startsWith('adminToken: '))).toBe(weak);
        if (secret.length >= 8) expect(problems.join('\n')).not.toContain(secret);
      }),
      { numRuns: 300 },
    );
  });
});

/** The example file as data, to mutate. */
const exampleData = parseYaml(example) as Record<string, unknown>;

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    Infinity,
    -Infinity,
    1e307,
    0.5,
    '',
    'x',
    '${UNSET_VAR}',
  ),
  fc.string({ maxLength: 20 }),
  fc.double(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
);

/** Every path (keys and indexes) in a JSON-like tree. */
function pathsOf(node: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(node))
    return node.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (node !== null && typeof node === 'object')
    return Object.entries(node).flatMap(([k, v]) => [
      [...prefix, k],
      ...pathsOf(v, [...prefix, k]),
    ]);
  return [];
}
const EXAMPLE_PATHS = pathsOf(exampleData);

function mutate(
  root: unknown,
  path: (string | number)[],
  value: unknown,
  remove: boolean,
): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

/** Nine levels of ten aliases each: a billion nodes if expanded. */
const ALIAS_BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  ...Array.from({ length: 8 }, (_, i) => {
    const name = String.fromCharCode(98 + i);
    const previous = String.fromCharCode(97 + i);
    return `${name}: &${name} [${Array<string>(10).fill(`*${previous}`).join(', ')}]`;
  }),
].join('\n');

describe('config files that try to break it: always a ConfigError with paths', () => {
  it('random mutations of the example config (a key set to any value, or removed)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...EXAMPLE_PATHS), anyValue, fc.boolean()), {
          minLength: 1,
          maxLength: 4,
        }),
        (mutations) => {
          let data: unknown = exampleData;
          for (const [path, value, remove] of mutations) {
            try {
              data = mutate(data, path, value, remove);
            } catch {
              // An earlier mutation removed the parent: skip this one.
            }
          }
          problemsOf(stringify(data));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random YAML documents (any JSON value as YAML)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        problemsOf(stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('random text, truncated and broken YAML', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.nat({ max: example.length }).map((n) => example.slice(0, n)),
          fc
            .tuple(
              fc.nat({ max: example.length }),
              fc.constantFrom(
                ':',
                '- ',
                '{',
                '[',
                '"',
                '&a',
                '*a',
                '!!binary',
                '\t',
                '%YAML 1.1\n',
              ),
            )
            .map(([n, junk]) => `${example.slice(0, n)}${junk}${example.slice(n)}`),
        ),
        (text) => {
          randomTextProblems(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['deeply nested', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['a huge array of trackers', `trackers:\n${'  - { id: a }\n'.repeat(5000)}`],
    ['a binary tag', 'adminToken: !!binary aGVsbG8='],
    ['a custom tag', 'trackers: !foo bar'],
    ['duplicate keys', 'redisPrefix: a\nredisPrefix: b\ntrackers: []'],
    ['a merge key', 'base: &b { id: x }\ntrackers:\n  - <<: *b\n    kind: jira'],
  ])('%s', (_name, text) => {
    problemsOf(text);
  });

  // A regression of a bug this property found: yaml's toJS() threw a ReferenceError.
  it.each([
    ['an alias bomb', ALIAS_BOMB],
    ['an unresolved alias', 'server:\n  port: *a3000\ntrackers: []'],
  ])('%s is a ConfigError, not a ReferenceError', (_name, text) => {
    problemsOf(text);
  });
});

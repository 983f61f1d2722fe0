/**
 * Tracker responses that try to break it (issue 15, section 3): the connectors' mapping functions
 * and response schemas fed nulls, NaN, `1e309`, negative or string amounts and missing fields.
 * Each answer is either a clear TrackerError or issues the money model scores, or marks
 * `invalid` / `unscored` with a reason; never another exception, never a figure that cannot be
 * written. The issues also cross a JSON boundary (job payloads, Redis) as they do in the pipeline.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JiraFields } from '../../connectors/jira/fields.js';
import {
  RawIssue,
  toIssue as jiraToIssue,
  type IssueMapping,
} from '../../connectors/jira/to-issue.js';
import { LinearTrackerConfig } from '../../connectors/linear/config.js';
import { IssuesPageData, nodeToRecord, parseResponse } from '../../connectors/linear/responses.js';
import { toIssue as linearToIssue, type MappingContext } from '../../connectors/linear/to-issue.js';
import { isTrackerError, type Issue } from '../../src/domain/index.js';
import { IssueSchema } from '../../src/domain/issue.js';
import { DEFAULT_SCORING_SETTINGS } from '../../src/scoring/defaults.js';
import { netValue } from '../../src/scoring/net-value.js';

const field = (id: string, name: string) => ({ id, name, configured: name });
const jiraFields: JiraFields = {
  value: field('customfield_10042', 'Value ($/month)'),
  cost: field('customfield_10043', 'Cost (hours)'),
  netValue: field('customfield_10050', 'Net value'),
  rankPosition: field('customfield_10051', 'Net value rank'),
  rank: { ...field('customfield_10019', 'Rank'), customId: 10019 },
};
const jiraMapping: IssueMapping = {
  trackerId: 'acme-jira',
  baseUrl: 'https://acme.atlassian.net/',
  fields: jiraFields,
  costUnit: 'hours',
  pinLabel: 'netvalue-pin',
};

/** JSON literals a tracker could send for an amount (as text: `1e309` parses to Infinity). */
const amountLiteral = fc.oneof(
  fc.constantFrom(
    'null',
    '0',
    '-5',
    '-0',
    '5e-324',
    '1e307',
    '1e13',
    '7000',
    '"7000"',
    '"$5k"',
    '""',
    '"NaN"',
  ),
  fc.constantFrom('{"value":"5000"}', '{"id":"1"}', '[1,2]', 'true', '"1e309"'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
);
const textLiteral = fc.oneof(
  fc.string({ maxLength: 10 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('null', '5', '{}', '[]', 'true'),
);
const nonEmptyTextLiteral = fc.oneof(
  fc.string({ minLength: 1, maxLength: 10 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('null', '5', '{}', '[]', 'true'),
);
const maybe = (key: string, literal: fc.Arbitrary<string>) =>
  fc.option(
    literal.map((v) => `"${key}":${v}`),
    { nil: undefined },
  );

/** A Jira search issue as JSON text, any part hostile or missing. */
const jiraIssueText = fc
  .tuple(
    // Empty ids and keys are the known bug below: kept out of the property.
    maybe('id', fc.oneof(fc.constant('"10068"'), nonEmptyTextLiteral)),
    maybe('key', fc.oneof(fc.constant('"APP-12"'), nonEmptyTextLiteral)),
    maybe('summary', textLiteral),
    maybe('labels', fc.constantFrom('["a"]', '[1]', 'null', '"x"', '[]')),
    maybe('updated', fc.constantFrom('"2026-03-02T10:15:00.000-0500"', '"yesterday"', 'null', '0')),
    maybe('customfield_10042', amountLiteral),
    maybe('customfield_10043', amountLiteral),
    maybe('customfield_10050', amountLiteral),
    maybe('customfield_10051', amountLiteral),
    maybe('customfield_10019', textLiteral),
  )
  .map(([id, key, ...fields]) => {
    const top = [id, key].filter((p) => p !== undefined);
    const inner = fields.filter((p) => p !== undefined).join(',');
    return `{${[...top, `"fields":{${inner}}`].join(',')}}`;
  });

/** Scores an issue after the JSON boundary, checking what every result must satisfy. */
function scoreAcrossJson(issue: Issue): ReturnType<typeof netValue> {
  const crossed = IssueSchema.parse(JSON.parse(JSON.stringify(issue)));
  const result = netValue(crossed.inputs, DEFAULT_SCORING_SETTINGS);
  if (result.status === 'scored') {
    for (const n of [result.netValueUsd, result.netValueLowUsd, result.netValueHighUsd])
      expect(n !== null && Number.isFinite(n) && Math.abs(n) <= 1e13).toBe(true);
  } else {
    expect(result.netValueUsd).toBeNull();
    expect(result.reason).not.toBe('');
  }
  return result;
}

/** Finite, non-negative numbers are amounts; anything present and not one is unusable. */
function unusable(raw: unknown): boolean {
  if (raw === undefined || raw === null) return false;
  if (typeof raw === 'string') return raw.trim() !== '';
  return !(typeof raw === 'number' && Number.isFinite(raw) && raw >= 0);
}

describe('Jira responses that try to break the mapping', () => {
  it('property: a TrackerError, or an issue that is scored, unscored or invalid with its reason', () => {
    fc.assert(
      fc.property(jiraIssueText, (text) => {
        const parsed = RawIssue.safeParse(JSON.parse(text));
        // The search page schema refuses it: pull.ts answers a TrackerError naming the path.
        if (!parsed.success) return;
        let issue: Issue;
        try {
          issue = jiraToIssue(parsed.data, jiraMapping);
        } catch (err) {
          expect(isTrackerError(err)).toBe(true);
          expect((err as Error).message).toContain('"updated"');
          return;
        }
        const result = scoreAcrossJson(issue);
        const value = parsed.data.fields['customfield_10042'];
        const cost = parsed.data.fields['customfield_10043'];
        // Only the known 1e309 case (see below) may lose an unusable input on the way.
        const lost = [value, cost].some((n) => typeof n === 'number' && !Number.isFinite(n));
        if (!lost && (unusable(value) || unusable(cost))) {
          expect(result.status).toBe('invalid');
          expect(result.reason).toMatch(/Value|Cost/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('1e309 (Infinity once parsed) in-process is invalid, naming the input', () => {
    const raw = RawIssue.parse(
      JSON.parse(
        '{"id":"1","key":"APP-1","fields":{"updated":"2026-03-02T10:15:00.000Z","customfield_10042":1e309,"customfield_10043":40}}',
      ),
    );
    const result = netValue(jiraToIssue(raw, jiraMapping).inputs, DEFAULT_SCORING_SETTINGS);
    expect(result).toMatchObject({
      status: 'invalid',
      reason: "Value is not a usable number, got 'Infinity'",
    });
  });

  // Regressions of bugs these properties found: an empty id failed a whole page later, and
  // 1e309 (Infinity) turned into null in JSON, reading as a missing Value instead of invalid.
  it('an issue with an empty id is refused by the response schema, naming the path', () => {
    const parsed = RawIssue.safeParse(
      JSON.parse('{"id":"","key":"APP-1","fields":{"updated":"2026-03-02T10:15:00.000Z"}}'),
    );
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['id']);
  });

  it('1e309 stays invalid across the JSON boundary of the pipeline', () => {
    const raw = RawIssue.parse(
      JSON.parse(
        '{"id":"1","key":"APP-1","fields":{"updated":"2026-03-02T10:15:00.000Z","customfield_10042":1e309,"customfield_10043":40}}',
      ),
    );
    expect(scoreAcrossJson(jiraToIssue(raw, jiraMapping)).status).toBe('invalid');
  });
});

const linearContext: MappingContext = {
  trackerId: 'acme-linear',
  config: LinearTrackerConfig.parse({
    id: 'acme-linear',
    kind: 'linear',
    apiKey: 'k',
    teams: ['ENG'],
  }),
  valueGroupIds: new Set(['g-value']),
  costGroupIds: new Set(),
};
const ATTACHMENT_URL = (key: string) => `https://netvalue.test/issues/${key}`;

const hostileNumber = fc.oneof(
  fc.constantFrom<unknown>(null, 0, -5, 5e-324, 1e307, Infinity, NaN, '5', '', undefined, {}),
  fc.double(),
);
const valueLabel = fc.oneof(
  fc.constantFrom(
    '$5k',
    '$-5k',
    '$1e309',
    'NaN',
    '$abc',
    '$4k-$7k',
    '$7k-$4k',
    '+5% signups',
    '$99999999999999999999k',
  ),
  fc.string({ maxLength: 12 }),
);

/** A Linear issues page as the SDK hands it over (already parsed JSON), any part hostile. */
const linearPage = fc
  .record(
    {
      estimate: hostileNumber,
      priority: hostileNumber,
      prioritySortOrder: hostileNumber,
      updatedAt: fc.constantFrom<unknown>('2026-03-02T10:15:00.000Z', null, 5, 'soon'),
      labels: fc.array(valueLabel, { maxLength: 3 }),
      dropField: fc.constantFrom('', 'id', 'team', 'state', 'labels', 'title'),
    },
    { requiredKeys: ['labels', 'dropField'] },
  )
  .map((r) => {
    const node: Record<string, unknown> = {
      id: 'issue-1',
      identifier: 'ENG-1',
      title: 'A task',
      url: 'https://linear.app/acme/issue/ENG-1',
      updatedAt: r.updatedAt,
      estimate: r.estimate,
      priority: r.priority,
      prioritySortOrder: r.prioritySortOrder,
      team: { id: 'team-eng', key: 'ENG' },
      state: { type: 'started' },
      labels: {
        nodes: r.labels.map((name, i) => ({
          id: `l${i}`,
          name,
          parent: { id: 'g-value', name: 'Value' },
        })),
        pageInfo: { hasNextPage: false, endCursor: null },
      },
      attachments: { nodes: [] },
    };
    if (r.dropField !== '') delete node[r.dropField];
    return { issues: { nodes: [node], pageInfo: { hasNextPage: false, endCursor: null } } };
  });

describe('Linear responses that try to break the mapping', () => {
  it('property: a TrackerError naming the path, or an issue scored, unscored or invalid with its reason', () => {
    fc.assert(
      fc.property(linearPage, (page) => {
        let data;
        try {
          data = parseResponse(IssuesPageData, page, 'NetvalueIssues', 'acme-linear');
        } catch (err) {
          expect(isTrackerError(err)).toBe(true);
          expect((err as Error).message).toMatch(
            /^unexpected NetvalueIssues response from Linear \(issues\.nodes\.0\./,
          );
          return;
        }
        const node = data.issues.nodes[0];
        if (node === undefined) return;
        const issue = linearToIssue(nodeToRecord(node, ATTACHMENT_URL), linearContext);
        const result = scoreAcrossJson(issue);
        if (typeof node.estimate === 'number' && node.estimate < 0) {
          expect(result.status).toBe('invalid');
          expect(result.reason).toContain('Cost');
        }
      }),
      { numRuns: 500 },
    );
  });
});

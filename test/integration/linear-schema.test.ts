/**
 * Every document the connector sends must be one Linear accepts. Checked against Linear's real
 * public schema (../shared/ref/linear-schema.graphql, the SDL of @linear/sdk 88.3.0) when it is
 * there, and always against the sandbox schema, whose fields are in turn checked to match Linear's
 * names and nullability.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  getVariableValues,
  isInputObjectType,
  isObjectType,
  parse,
  validate,
  type OperationDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LinearTrackerConfig } from '../../connectors/linear/config.js';
import { linearModule } from '../../connectors/linear/index.js';
import { issueFilter } from '../../connectors/linear/pull.js';
import { ALL_DOCUMENTS, PAGE_SIZE } from '../../connectors/linear/queries.js';
import { checkLimits } from '../../connectors/linear/sandbox/limits.js';
import { buildSandboxSchema } from '../../connectors/linear/sandbox/schema.js';
import { applyWrites, planWrites, pullAll, startHarness, type Harness } from './linear-harness.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const realSchemaPath = path.resolve(repoRoot, '../shared/ref/linear-schema.graphql');
const hasRealSchema = existsSync(realSchemaPath);

let real: GraphQLSchema | null = null;
const sandbox = buildSandboxSchema();
beforeAll(() => {
  if (hasRealSchema) real = buildSchema(readFileSync(realSchemaPath, 'utf8'));
});

let h: Harness | null = null;
afterEach(async () => {
  await h?.sandbox.close();
  h = null;
});

function errorsOf(schema: GraphQLSchema, document: string): string[] {
  return validate(schema, parse(document)).map((e) => e.message);
}

interface FieldShape {
  type: string;
  args: Map<string, string>;
}

/** Fields of an object or input type as printed types (`[Issue!]!`), with their arguments. */
function fieldsOf(type: GraphQLNamedType): Map<string, FieldShape> | null {
  if (isObjectType(type)) {
    return new Map(
      Object.values(type.getFields()).map((f) => [
        f.name,
        { type: String(f.type), args: new Map(f.args.map((a) => [a.name, String(a.type)])) },
      ]),
    );
  }
  if (isInputObjectType(type)) {
    return new Map(
      Object.values(type.getFields()).map((f) => [
        f.name,
        { type: String(f.type), args: new Map() },
      ]),
    );
  }
  return null;
}

/** Field and argument types of the sandbox that differ from Linear's (names and nullability). */
function schemaDifferences(ours: GraphQLSchema, theirs: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const type of Object.values(ours.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const other = theirs.getType(type.name);
    if (!other) {
      problems.push(`type ${type.name} is not in Linear's schema`);
      continue;
    }
    const fields = fieldsOf(type);
    if (fields === null) continue;
    const otherFields = fieldsOf(other);
    if (otherFields === null) {
      problems.push(`${type.name} is a different kind of type in Linear's schema`);
      continue;
    }
    for (const [name, field] of fields) {
      const match = otherFields.get(name);
      if (!match) {
        problems.push(`${type.name}.${name} is not in Linear's schema`);
        continue;
      }
      if (match.type !== field.type) {
        problems.push(`${type.name}.${name}: ${field.type}, Linear has ${match.type}`);
      }
      for (const [arg, argType] of field.args) {
        if (match.args.get(arg) !== argType) {
          problems.push(
            `${type.name}.${name}(${arg}): ${argType}, Linear has ${match.args.get(arg)}`,
          );
        }
      }
    }
  }
  return problems;
}

describe('Linear GraphQL documents', () => {
  it.each(Object.entries(ALL_DOCUMENTS))(
    '%s validates against the sandbox schema',
    (_name, document) => {
      expect(errorsOf(sandbox, document)).toEqual([]);
    },
  );

  it.each(Object.entries(ALL_DOCUMENTS))(
    `%s validates against Linear's schema${hasRealSchema ? '' : ' (schema file absent: sandbox only)'}`,
    (_name, document) => {
      expect(errorsOf(real ?? sandbox, document)).toEqual([]);
    },
  );

  it("the sandbox schema uses Linear's names and nullability", () => {
    const problems = real ? schemaDifferences(sandbox, real) : [];
    expect(problems).toEqual([]);
    // Without Linear's file, at least the types the connector relies on must be there.
    for (const name of [
      'Issue',
      'IssueConnection',
      'IssueFilter',
      'IssueUpdateInput',
      'AttachmentCreateInput',
    ]) {
      expect(sandbox.getType(name)).toBeDefined();
    }
  });

  it('a page of issues stays well under the 10,000 complexity limit', () => {
    const complexity = checkLimits(
      sandbox,
      parse(ALL_DOCUMENTS['NetvalueIssues'] as string),
      { first: PAGE_SIZE },
      undefined,
    );
    expect(complexity).toBeGreaterThan(0);
    expect(complexity).toBeLessThan(8_000);
  });

  it('every document actually sent during set-up, pull, fetch and (batched) write-back validates', async () => {
    h = await startHarness(
      { issues: 80, includeExamples: true },
      { writeBack: { prioritySortOrder: true, priority: true, attachment: true } },
    );
    // More labels than a page carries: the rest come through NetvalueIssueLabels.
    h.sandbox.editIssue('ENG-1', { labels: Array.from({ length: 12 }, (_, i) => `tag-${i}`) });
    const { issues } = await pullAll(h.connector);
    await h.connector.fetchIssue(issues[0]!.id);
    await applyWrites(h.connector, issues, planWrites(h.connector, issues));
    // The login example (scored, so it got an attachment) loses its value: find + delete.
    h.sandbox.editIssue('ENG-1', { valueLabel: null });
    const again = (await pullAll(h.connector)).issues;
    // An incremental pull also asks for the issues that left the scope (NetvalueIssueIds).
    await pullAll(h.connector, new Date(Date.now() - 60_000).toISOString());
    await applyWrites(h.connector, again, planWrites(h.connector, again));
    await linearCheck(h);
    // Batched write-back, as the pipeline sends it.
    await h.connector.write(
      again.slice(0, 3).map((i, n) => ({ ref: i, changes: { sortKey: -10 - n } })),
    );

    const sent = new Set(h.sandbox.log.entries.map((e) => (e.body as { query: string }).query));
    const operations = new Set(h.sandbox.log.entries.map((e) => e.operation));
    expect([...operations].sort()).toEqual(Object.keys(ALL_DOCUMENTS).sort());
    for (const query of sent) {
      expect(errorsOf(real ?? sandbox, query)).toEqual([]);
      expect(errorsOf(sandbox, query)).toEqual([]);
    }
  });
});

describe('the filters the connector builds', () => {
  it.skipIf(!hasRealSchema)(
    "an incremental pull's filter (updatedAt and the activity of other users) is a valid IssueFilter",
    () => {
      const config = LinearTrackerConfig.parse({
        id: 'l',
        kind: 'linear',
        apiUrl: 'https://api.linear.app/graphql',
        apiKey: 'lin_api_x',
        teams: ['ENG'],
      });
      const document = parse(
        'query Q($filter: IssueFilter) { issues(filter: $filter, first: 1) { nodes { id } } }',
      );
      const definitions = (document.definitions[0] as OperationDefinitionNode).variableDefinitions;
      for (const since of [null, '2026-03-01T10:00:00.000Z']) {
        const filter = issueFilter(config, since, 'l');
        for (const schema of [real as GraphQLSchema, sandbox]) {
          const coerced = getVariableValues(schema, definitions ?? [], { filter });
          expect(coerced.errors ?? []).toEqual([]);
        }
      }
    },
  );
});

async function linearCheck(harness: Harness): Promise<void> {
  const report = await linearModule.check(harness.config, { publicUrl: 'http://netvalue.test' });
  expect(report.ok).toBe(true);
}

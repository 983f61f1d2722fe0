/**
 * Linear's per-query limits, enforced before execution as Linear does: `first` at most 250 on any
 * connection, and a complexity of at most 10,000 points. The estimate follows Linear's published
 * rule (a scalar costs 0.1, an object 1, a connection multiplies its nodes/edges by `first`,
 * 50 when omitted); Linear's exact weights differ a little, so keep a margin.
 */
import {
  getNamedType,
  isLeafType,
  Kind,
  OperationTypeNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  isObjectType,
  isInterfaceType,
  type DocumentNode,
} from 'graphql';
import { DEFAULT_FIRST, MAX_FIRST } from './resolvers.js';

export const MAX_COMPLEXITY = 10_000;

export class LimitError extends Error {
  constructor(
    message: string,
    readonly userMessage: string,
  ) {
    super(message);
  }
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function argNumber(value: ValueNode | undefined, walk: Walk): number | null {
  if (!value) return null;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = walk.variables[value.name.value];
    return typeof v === 'number' ? v : null;
  }
  return null;
}

function selectionCost(set: SelectionSetNode, type: GraphQLNamedType, walk: Walk): number {
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = walk.fragments.get(selection.name.value);
      const on = fragment ? walk.schema.getType(fragment.typeCondition.name.value) : undefined;
      if (fragment && on) total += selectionCost(fragment.selectionSet, on, walk);
      continue;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition
        ? walk.schema.getType(selection.typeCondition.name.value)
        : type;
      if (on) total += selectionCost(selection.selectionSet, on, walk);
      continue;
    }
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const field = type.getFields()[selection.name.value];
    if (!field) continue; // __typename
    total += fieldCost(field, selection.selectionSet, selection.arguments ?? [], walk);
  }
  return total;
}

function fieldCost(
  field: GraphQLField<unknown, unknown>,
  set: SelectionSetNode | undefined,
  args: readonly { name: { value: string }; value: ValueNode }[],
  walk: Walk,
): number {
  const type = getNamedType(field.type);
  if (isLeafType(type) || !set) return 0.1;
  const isConnection = field.args.some((a) => a.name === 'first');
  if (!isConnection) return 1 + selectionCost(set, type, walk);
  const first = argNumber(args.find((a) => a.name.value === 'first')?.value, walk) ?? DEFAULT_FIRST;
  if (first > MAX_FIRST) {
    throw new LimitError(
      `first must be between 0 and ${MAX_FIRST}, got ${first}`,
      `The first argument on ${field.name} must not exceed ${MAX_FIRST}.`,
    );
  }
  let total = 1;
  for (const selection of set.selections) {
    const part = selectionCost({ kind: Kind.SELECTION_SET, selections: [selection] }, type, walk);
    const many =
      selection.kind === Kind.FIELD &&
      (selection.name.value === 'nodes' || selection.name.value === 'edges');
    total += many ? first * part : part;
  }
  return total;
}

/** The operation's complexity; throws LimitError when `first` or the total is over Linear's limit. */
export function checkLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | undefined,
): number {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation =
    operations.find((o) => operationName === undefined || o.name?.value === operationName) ??
    operations[0];
  const root =
    operation?.operation === OperationTypeNode.MUTATION
      ? schema.getMutationType()
      : schema.getQueryType();
  if (!operation || !root) return 0;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const complexity = selectionCost(operation.selectionSet, root, { schema, fragments, variables });
  if (complexity > MAX_COMPLEXITY) {
    throw new LimitError(
      'Query too complex',
      `The query is too complex. Complexity: ${complexity}. Maximum allowed complexity: ${MAX_COMPLEXITY}.`,
    );
  }
  return complexity;
}

/**
 * The sandbox's GraphQL schema: a hand-written subset of Linear's public schema. Every type, field,
 * argument and input field here has the same name and the same nullability as in Linear's SDL
 * (checked by test/integration/linear-schema.test.ts), so a document that validates here is one
 * Linear would accept too. Input types are subsets: a filter field the sandbox does not implement
 * fails validation instead of being silently ignored.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';

export const SANDBOX_SDL = /* GraphQL */ `
  scalar DateTime
  scalar DateTimeOrDuration
  scalar JSONObject

  enum PaginationOrderBy {
    createdAt
    updatedAt
  }

  type PageInfo {
    startCursor: String
    endCursor: String
    hasPreviousPage: Boolean!
    hasNextPage: Boolean!
  }

  type User {
    id: ID!
    name: String!
    displayName: String!
    email: String!
    active: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type Team {
    id: ID!
    key: String!
    name: String!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type TeamEdge {
    node: Team!
    cursor: String!
  }

  type TeamConnection {
    edges: [TeamEdge!]!
    nodes: [Team!]!
    pageInfo: PageInfo!
  }

  type WorkflowState {
    id: ID!
    name: String!
    type: String!
    color: String!
    position: Float!
    team: Team!
  }

  type IssueLabel {
    id: ID!
    name: String!
    color: String!
    isGroup: Boolean!
    parent: IssueLabel
    team: Team
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type IssueLabelEdge {
    node: IssueLabel!
    cursor: String!
  }

  type IssueLabelConnection {
    edges: [IssueLabelEdge!]!
    nodes: [IssueLabel!]!
    pageInfo: PageInfo!
  }

  type Attachment {
    id: ID!
    url: String!
    title: String!
    subtitle: String
    metadata: JSONObject!
    issue: Issue!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type AttachmentEdge {
    node: Attachment!
    cursor: String!
  }

  type AttachmentConnection {
    edges: [AttachmentEdge!]!
    nodes: [Attachment!]!
    pageInfo: PageInfo!
  }

  type Issue {
    id: ID!
    identifier: String!
    number: Float!
    title: String!
    description: String
    url: String!
    createdAt: DateTime!
    updatedAt: DateTime!
    archivedAt: DateTime
    estimate: Float
    priority: Float!
    priorityLabel: String!
    prioritySortOrder: Float!
    sortOrder: Float!
    labelIds: [String!]!
    team: Team!
    state: WorkflowState!
    labels(
      after: String
      before: String
      filter: IssueLabelFilter
      first: Int
      includeArchived: Boolean
      last: Int
      orderBy: PaginationOrderBy
    ): IssueLabelConnection!
    attachments(
      after: String
      before: String
      filter: AttachmentFilter
      first: Int
      includeArchived: Boolean
      last: Int
      orderBy: PaginationOrderBy
    ): AttachmentConnection!
  }

  type IssueEdge {
    node: Issue!
    cursor: String!
  }

  type IssueConnection {
    edges: [IssueEdge!]!
    nodes: [Issue!]!
    pageInfo: PageInfo!
  }

  input StringComparator {
    eq: String
    neq: String
    in: [String!]
    nin: [String!]
    startsWith: String
  }

  input IDComparator {
    eq: ID
    neq: ID
    in: [ID!]
    nin: [ID!]
  }

  input BooleanComparator {
    eq: Boolean
    neq: Boolean
  }

  input DateComparator {
    eq: DateTimeOrDuration
    gt: DateTimeOrDuration
    gte: DateTimeOrDuration
    lt: DateTimeOrDuration
    lte: DateTimeOrDuration
  }

  input TeamFilter {
    id: IDComparator
    key: StringComparator
    name: StringComparator
    and: [TeamFilter!]
    or: [TeamFilter!]
  }

  input NullableTeamFilter {
    id: IDComparator
    key: StringComparator
    null: Boolean
  }

  input WorkflowStateFilter {
    type: StringComparator
    name: StringComparator
  }

  input IssueFilter {
    id: IssueIDComparator
    team: TeamFilter
    state: WorkflowStateFilter
    updatedAt: DateComparator
    activity: ActivityCollectionFilter
    and: [IssueFilter!]
    or: [IssueFilter!]
  }

  input UserFilter {
    id: IDComparator
    isMe: BooleanComparator
    and: [UserFilter!]
    or: [UserFilter!]
  }

  input ActivityFilter {
    createdAt: DateComparator
    updatedAt: DateComparator
    user: UserFilter
    and: [ActivityFilter!]
    or: [ActivityFilter!]
  }

  input ActivityCollectionFilter {
    createdAt: DateComparator
    updatedAt: DateComparator
    user: UserFilter
    some: ActivityFilter
    every: ActivityFilter
    and: [ActivityCollectionFilter!]
    or: [ActivityCollectionFilter!]
  }

  input IssueIDComparator {
    eq: ID
    neq: ID
    in: [ID!]
    nin: [ID!]
  }

  input IssueLabelFilter {
    id: IDComparator
    name: StringComparator
    isGroup: BooleanComparator
    team: NullableTeamFilter
  }

  input AttachmentFilter {
    url: StringComparator
    title: StringComparator
  }

  input IssueUpdateInput {
    title: String
    estimate: Int
    priority: Int
    prioritySortOrder: Float
    sortOrder: Float
    labelIds: [String!]
    stateId: String
    teamId: String
  }

  input AttachmentCreateInput {
    id: String
    issueId: String!
    url: String!
    title: String!
    subtitle: String
    iconUrl: String
    metadata: JSONObject
  }

  type IssuePayload {
    success: Boolean!
    lastSyncId: Float!
    issue: Issue
  }

  type AttachmentPayload {
    success: Boolean!
    lastSyncId: Float!
    attachment: Attachment!
  }

  type DeletePayload {
    success: Boolean!
    lastSyncId: Float!
    entityId: String!
  }

  type Query {
    viewer: User!
    teams(
      after: String
      before: String
      filter: TeamFilter
      first: Int
      includeArchived: Boolean
      last: Int
      orderBy: PaginationOrderBy
    ): TeamConnection!
    issues(
      after: String
      before: String
      filter: IssueFilter
      first: Int
      includeArchived: Boolean
      last: Int
      orderBy: PaginationOrderBy
    ): IssueConnection!
    issue(id: String!): Issue!
    issueLabels(
      after: String
      before: String
      filter: IssueLabelFilter
      first: Int
      includeArchived: Boolean
      last: Int
      orderBy: PaginationOrderBy
    ): IssueLabelConnection!
  }

  type Mutation {
    issueUpdate(id: String!, input: IssueUpdateInput!): IssuePayload!
    attachmentCreate(input: AttachmentCreateInput!): AttachmentPayload!
    attachmentDelete(id: String!): DeletePayload!
  }
`;

export function buildSandboxSchema(): GraphQLSchema {
  return buildSchema(SANDBOX_SDL);
}

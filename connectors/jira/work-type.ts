/**
 * Jira's work-type rules (README "Backlog reviews"): labels first, then issue type names, so a Bug
 * labelled `performance` is technical. Defaults: the usual technical labels; Bug, Story and
 * Feature issue types are product. Every list may be replaced in config; `overrides` name issues.
 */
import { z } from 'zod';
import type { WorkType } from '../../src/domain/index.js';
import {
  classify,
  DEFAULT_PRODUCT_NAMES,
  DEFAULT_TECHNICAL_LABELS,
  NameList,
  WorkTypeOverrides,
} from '../work-type.js';

const Side = (labels: readonly string[], issueTypes: readonly string[]) =>
  z
    .object({
      /** Labels that mean this kind of work. */
      labels: NameList.default([...labels]),
      /** Issue type names that mean this kind of work. */
      issueTypes: NameList.default([...issueTypes]),
    })
    .strict()
    .prefault({});

export const JiraWorkTypeConfig = z
  .object({
    technical: Side(DEFAULT_TECHNICAL_LABELS, []),
    product: Side([], DEFAULT_PRODUCT_NAMES),
    /** Issue key -> `technical` or `product`, whatever its labels and type say. */
    overrides: WorkTypeOverrides.default({}),
  })
  .strict()
  .prefault({});
export type JiraWorkTypeConfig = z.infer<typeof JiraWorkTypeConfig>;

/** The defaults, for mappings built without config (tests, tools). */
export const DEFAULT_JIRA_WORK_TYPE: JiraWorkTypeConfig = JiraWorkTypeConfig.parse(undefined);

export function jiraWorkType(
  issue: { key: string; issueType: string | undefined; labels: readonly string[] },
  rules: JiraWorkTypeConfig,
): WorkType {
  const candidates = [
    ...issue.labels.map((name) => ({ what: 'label', name, shown: name })),
    ...(issue.issueType === undefined
      ? []
      : [{ what: 'issue type', name: issue.issueType, shown: issue.issueType }]),
  ];
  return classify(
    issue.key,
    rules.overrides,
    [
      { type: 'technical', what: 'label', names: rules.technical.labels },
      { type: 'product', what: 'label', names: rules.product.labels },
      { type: 'technical', what: 'issue type', names: rules.technical.issueTypes },
      { type: 'product', what: 'issue type', names: rules.product.issueTypes },
    ],
    candidates,
  );
}

/**
 * Linear's work-type rules (README "Backlog reviews"). Linear has no issue types: labels say it,
 * by name (`Tech debt`, `Bug`) or by their label group (every label of a group `Engineering`).
 * Label names first, then groups. Defaults: the usual technical labels; Bug, Story and Feature
 * labels are product. Every list may be replaced in config; `overrides` name issues.
 */
import { z } from 'zod';
import type { WorkType } from '../../src/domain/index.js';
import {
  classify,
  DEFAULT_PRODUCT_NAMES,
  DEFAULT_TECHNICAL_LABELS,
  NameList,
  WorkTypeOverrides,
  type Candidate,
} from '../work-type.js';

const Side = (labels: readonly string[]) =>
  z
    .object({
      /** Label names that mean this kind of work (in a group or not). */
      labels: NameList.default([...labels]),
      /** Label groups whose every label means this kind of work. */
      labelGroups: NameList.default([]),
    })
    .strict()
    .prefault({});

export const LinearWorkTypeConfig = z
  .object({
    technical: Side(DEFAULT_TECHNICAL_LABELS),
    product: Side(DEFAULT_PRODUCT_NAMES),
    /** Issue identifier -> `technical` or `product`, whatever its labels say. */
    overrides: WorkTypeOverrides.default({}),
  })
  .strict()
  .prefault({});
export type LinearWorkTypeConfig = z.infer<typeof LinearWorkTypeConfig>;

export const DEFAULT_LINEAR_WORK_TYPE: LinearWorkTypeConfig = LinearWorkTypeConfig.parse(undefined);

export function linearWorkType(
  issue: { key: string; labels: readonly { name: string; parentName: string | null }[] },
  rules: LinearWorkTypeConfig,
): WorkType {
  const candidates: Candidate[] = issue.labels.flatMap((l) => {
    const shown = l.parentName === null ? l.name : `${l.parentName}/${l.name}`;
    const byName = { what: 'label', name: l.name, shown };
    return l.parentName === null
      ? [byName]
      : [byName, { what: 'label group', name: l.parentName, shown }];
  });
  return classify(
    issue.key,
    rules.overrides,
    [
      { type: 'technical', what: 'label', names: rules.technical.labels },
      { type: 'product', what: 'label', names: rules.product.labels },
      { type: 'technical', what: 'label group', names: rules.technical.labelGroups },
      { type: 'product', what: 'label group', names: rules.product.labelGroups },
    ],
    candidates,
  );
}

/**
 * The review as a Slack-compatible incoming-webhook message (README "Backlog reviews"): `text`
 * (the notification and the fallback) plus `blocks` (header, sections in mrkdwn, a context line).
 * Pure. Slack's limits are kept: a section's text is at most 3,000 characters, a header's 150.
 */
import { formatUsd } from '../scoring/format.js';
import type { Review, Share, Shares } from './schema.js';

export interface SlackText {
  type: 'plain_text' | 'mrkdwn';
  text: string;
}
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text: SlackText }
  | { type: 'context'; elements: SlackText[] };

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

/** Items listed per section; the rest are counted. */
export const DIGEST_LIST_MAX = 10;
const SECTION_MAX = 3000;
const HEADER_MAX = 150;

/** Slack mrkdwn treats &, < and > as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

const day = (iso: string): string => iso.slice(0, 10);
const money = (n: number | null): string => (n === null ? '-' : formatUsd(n));
const pct = (n: number): string => `${n}%`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function shareText(share: Share): string {
  return share.before === null || share.before.sharePct === share.sharePct
    ? pct(share.sharePct)
    : `${pct(share.sharePct)} (was ${pct(share.before.sharePct)})`;
}

function sharesLine(shares: Shares): string {
  return `technical ${shareText(shares.technical)}, product ${shareText(shares.product)}, unclassified ${shareText(shares.unclassified)}`;
}

function section(title: string, lines: readonly string[], total = lines.length): SlackBlock {
  const shown = lines.slice(0, DIGEST_LIST_MAX);
  const more = total > shown.length ? [`…and ${total - shown.length} more`] : [];
  const body = shown.length === 0 ? ['_none_'] : [...shown, ...more];
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clip([title, ...body].join('\n'), SECTION_MAX) },
  };
}

const link = (url: string, key: string): string =>
  url ? `<${url}|${escapeMrkdwn(key)}>` : escapeMrkdwn(key);

export function digestPayload(review: Review): SlackPayload {
  const top = `top ${review.top}`;
  const scope = review.trackerId === null ? '' : ` of ${review.trackerId}`;
  const o = review.overall;
  const text =
    `Backlog review since ${day(review.since)}: the ${top}${scope} is ${pct(o.technical.sharePct)} technical and ` +
    `${pct(o.product.sharePct)} product work by net value; ${plural(review.movers.length, 'mover')}, ` +
    `${plural(review.needsInput.length, 'issue')} newly needing input.`;
  const counts = `*By count*: technical ${o.technical.count}, product ${o.product.count}, unclassified ${o.unclassified.count}`;
  const perTracker = review.trackers.map((t) => `• ${escapeMrkdwn(t.trackerId)}: ${sharesLine(t)}`);
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(`Backlog review: ${top}${scope}`, HEADER_MAX) },
    },
    section(`*Share of the ${top} by net value*: ${sharesLine(o)}`, [counts, ...perTracker]),
    section(
      '*Biggest movers*',
      review.movers.map(
        (m) =>
          `• ${link(m.url, m.key)} ${escapeMrkdwn(m.title)}: #${m.fromRank ?? 'new'} → #${m.toRank}, ` +
          `${money(m.fromNetValueUsd)} → ${money(m.toNetValueUsd)} (${m.why})`,
      ),
    ),
    section(`*Scope*: ${review.entered.length} entered, ${review.left.length} left`, [
      ...review.entered.map((e) => `• entered ${escapeMrkdwn(e.key)} ${escapeMrkdwn(e.title)}`),
      ...review.left.map((e) => `• left ${escapeMrkdwn(e.key)}`),
    ]),
    section(
      '*Newly needing input*',
      review.needsInput.map(
        (n) => `• ${escapeMrkdwn(n.key)} ${escapeMrkdwn(n.title)}: ${escapeMrkdwn(n.reason)}`,
      ),
    ),
    section(
      `*Technical work waiting longest in the ${top}*`,
      review.deferredTechnical.map(
        (d) =>
          `• ${link(d.url, d.key)} ${escapeMrkdwn(d.title)}: ${money(d.netValueUsd)}, #${d.rank}, ` +
          `in the ${top} since ${day(d.inTopSince)} (${d.waitedDays} days)`,
      ),
    ),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text:
            review.baselineAt === null
              ? `netvalue · since ${day(review.since)} · no earlier snapshot to compare with yet`
              : `netvalue · since ${day(review.since)} · compared with the ranking of ${day(review.baselineAt)}`,
        },
      ],
    },
  ];
  return { text, blocks };
}

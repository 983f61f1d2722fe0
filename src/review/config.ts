/**
 * The `reviews` config key (README "Backlog reviews"): how often the digest goes out, where to,
 * and over how many top issues. `webhookUrl` is a secret (an incoming-webhook URL carries its own
 * credential): it is redacted from logs (REDACT_PATHS in src/main.ts) and never put in a message.
 */
import { z } from 'zod';

/** The largest top N a review looks at (`--top`, `?top=`). */
export const MAX_REVIEW_TOP = 100;
export const DEFAULT_REVIEW_TOP = 20;
const WEEK_SEC = 604_800;

export const ReviewsConfig = z
  .object({
    /** Digest period. */
    everySec: z.number().int().min(60).default(WEEK_SEC),
    /**
     * Slack-compatible incoming-webhook URL; unset (or empty, `${REVIEW_WEBHOOK_URL:-}`): no
     * digest is sent. Messages about it never repeat it.
     */
    webhookUrl: z
      .string()
      .trim()
      .optional()
      .transform((url) => (url === '' ? undefined : url))
      .refine((url) => url === undefined || /^https?:$/.test(safeProtocol(url)), {
        message: 'must be an http(s) URL (the value is a secret and is not repeated here)',
      }),
    /** The digest's top N. */
    top: z.number().int().min(1).max(MAX_REVIEW_TOP).default(DEFAULT_REVIEW_TOP),
    /** `http://` sends the digest unencrypted: allowed only when true (a local receiver). */
    allowInsecureHttp: z.boolean().default(false),
  })
  .strict()
  .superRefine((reviews, ctx) => {
    if (reviews.webhookUrl === undefined || reviews.allowInsecureHttp) return;
    if (safeProtocol(reviews.webhookUrl) === 'http:') {
      ctx.addIssue({
        code: 'custom',
        path: ['webhookUrl'],
        message:
          'must be https: an http:// URL sends the digest unencrypted (set reviews.allowInsecureHttp: true only for a local receiver)',
      });
    }
  });
export type ReviewsConfig = z.infer<typeof ReviewsConfig>;

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Hex HMAC-SHA256 of the raw body, as Jira (`X-Hub-Signature: sha256=<hex>`) and Linear sign. */
export function hmacSha256Hex(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * Constant-time check of a hex signature against the raw body. Lengths are compared first
 * because `timingSafeEqual` throws on unequal lengths.
 */
export function verifyHmacSha256Hex(
  secret: string,
  rawBody: Buffer,
  signatureHex: string,
): boolean {
  const expected = Buffer.from(hmacSha256Hex(secret, rawBody), 'utf8');
  const given = Buffer.from(signatureHex.trim().toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

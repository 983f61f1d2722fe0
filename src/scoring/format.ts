/** Money and number formatting for explanations: `$5,000`, `$1,234.50`, `-$250`. */

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const cents = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

export function formatUsd(amount: number): string {
  const abs = Math.abs(amount);
  const text = Number.isInteger(roundCents(abs)) ? whole.format(abs) : cents.format(abs);
  return `${amount < 0 ? '-' : ''}$${text}`;
}

/** Whole dollars (`$3,083`), for the figures of a range, which are estimates anyway. */
export function formatWholeUsd(amount: number): string {
  const dollars = Math.round(Math.abs(amount));
  return `${amount < 0 && dollars > 0 ? '-' : ''}$${whole.format(dollars)}`;
}

/** Plain number without trailing zeros: 40, 2.5. */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(4)));
}

/** Rounds half away from zero to cents; applied once, at the end of a computation. */
export function roundCents(amount: number): number {
  // EPSILON keeps 1.005 from rounding down through binary representation error.
  const rounded = Math.round((Math.abs(amount) + Number.EPSILON) * 100) / 100;
  return amount < 0 ? -rounded : rounded;
}

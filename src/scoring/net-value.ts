/**
 * The money model: net value ($) = Value ($/month) x horizon (months) - Cost ($).
 * Pure: no I/O, no clock. Missing inputs are never silently zero unless settings say so.
 */
import type { MoneyInputs, NetValue, RawInput, ScoringSettings } from '../domain/index.js';
import { formatNumber, formatUsd, roundCents } from './format.js';

type Read = { ok: true; n: number } | { ok: false; missing: boolean; text: string };

function read(raw: RawInput): Read {
  if (raw === null) return { ok: false, missing: true, text: '' };
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return { ok: true, n: raw };
  return { ok: false, missing: false, text: typeof raw === 'string' ? `'${raw}'` : String(raw) };
}

function describeInvalid(name: string, text: string, raw: RawInput): string {
  if (typeof raw === 'number' && Number.isFinite(raw))
    return `${name} must not be negative, got ${text}`;
  return `${name} is not a usable number, got ${text}`;
}

/** Cost in $ plus the text of its part in the explanation. */
function costUsd(
  amount: number,
  inputs: MoneyInputs,
  s: ScoringSettings,
): { usd: number; text: string } {
  const rate = `${formatUsd(s.hourlyRateUsd)}/h`;
  switch (inputs.costUnit) {
    case 'hours':
      return { usd: amount * s.hourlyRateUsd, text: `${formatNumber(amount)} h x ${rate}` };
    case 'points': {
      const hoursPerPoint = inputs.hoursPerPoint ?? s.hoursPerPoint;
      return {
        usd: amount * hoursPerPoint * s.hourlyRateUsd,
        text: `${formatNumber(amount)} pts x ${formatNumber(hoursPerPoint)} h/pt x ${rate}`,
      };
    }
    case 'usd':
      return { usd: amount, text: formatUsd(amount) };
  }
}

export function netValue(inputs: MoneyInputs, settings: ScoringSettings): NetValue {
  const value = read(inputs.value);
  const cost = read(inputs.cost);
  const invalid = [
    !value.ok && !value.missing ? describeInvalid('Value', value.text, inputs.value) : null,
    !cost.ok && !cost.missing ? describeInvalid('Cost', cost.text, inputs.cost) : null,
  ].filter((m): m is string => m !== null);
  const valueN = value.ok ? value.n : null;
  const costPart = cost.ok ? costUsd(cost.n, inputs, settings) : null;
  const base = { valueUsdPerMonth: valueN, costUsd: costPart ? roundCents(costPart.usd) : null };

  if (invalid.length > 0) {
    const reason = invalid.join('; ');
    return {
      ...base,
      status: 'invalid',
      netValueUsd: null,
      reason,
      explanation: `invalid: ${reason}`,
    };
  }
  const missing = [value.ok ? null : 'Value', cost.ok ? null : 'Cost'].filter(
    (m): m is string => m !== null,
  );
  if (missing.length > 0 && settings.missingInput === 'unscored') {
    const reason = `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing`;
    return {
      ...base,
      status: 'unscored',
      netValueUsd: null,
      reason,
      explanation: `needs input: ${reason}`,
    };
  }
  // missingInput: zero — a missing input counts as 0, and the explanation says so.
  const v = valueN ?? 0;
  const c = costPart?.usd ?? 0;
  const net = roundCents(v * settings.horizonMonths - c);
  const valueText = value.ok ? `${formatUsd(v)}/mo` : '$0/mo (Value missing)';
  const costText = costPart ? costPart.text : '$0 (Cost missing)';
  const months = formatNumber(settings.horizonMonths);
  return {
    valueUsdPerMonth: v,
    costUsd: roundCents(c),
    status: 'scored',
    netValueUsd: net,
    reason: '',
    explanation: `${valueText} x ${months} mo - ${costText} = ${formatUsd(net)}`,
  };
}

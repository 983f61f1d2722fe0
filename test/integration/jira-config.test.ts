import { afterEach, describe, expect, it } from 'vitest';
import { JiraTrackerConfig } from '../../connectors/jira/config.js';
import { jiraModule } from '../../connectors/jira/index.js';
import {
  startJiraSandbox,
  type JiraSandbox,
  type JiraSandboxOptions,
  type SandboxConfigOverrides,
} from '../../connectors/jira/sandbox/index.js';
import type { TrackerError } from '../../src/domain/index.js';
import { DEPS } from './jira-harness.js';

describe('jira field configuration and check (against the sandbox)', () => {
  let sandbox: JiraSandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  async function configFor(overrides: SandboxConfigOverrides, options: JiraSandboxOptions = {}) {
    sandbox = await startJiraSandbox({ issues: 12, ...options });
    return JiraTrackerConfig.parse(sandbox.trackerConfig(overrides));
  }

  async function createError(
    overrides: SandboxConfigOverrides,
    options: JiraSandboxOptions = {},
  ): Promise<TrackerError> {
    const config = await configFor(overrides, options);
    return (await jiraModule.create(config, DEPS).then(
      () => {
        throw new Error('expected create() to fail');
      },
      (err: unknown) => err,
    )) as TrackerError;
  }

  it('an unknown field name names the closest existing fields', async () => {
    const err = await createError({ fields: { value: 'Value ($/mnth)' } });
    expect(err.kind).toBe('permanent');
    expect(err.message).toContain('fields.value "Value ($/mnth)" matches no Jira field');
    expect(err.message).toMatch(/Closest names: "Value \(\$\/month\)" \(customfield_10042, number/);
  });

  it('an ambiguous name lists the candidate ids', async () => {
    const err = await createError({}, { duplicateFieldName: 'Cost (hours)' });
    expect(err.message).toContain('fields.cost "Cost (hours)" is ambiguous');
    expect(err.message).toContain('customfield_10043');
    expect(err.message).toContain('customfield_10061');
  });

  it('a field of the wrong type says which type it has', async () => {
    const err = await createError({ fields: { value: 'Value notes' } });
    expect(err.message).toContain(
      'fields.value "Value notes" is customfield_10060, a string field (com.atlassian.jira.plugin.system.customfieldtypes:textfield); netvalue needs a Number field',
    );
  });

  it('reports every problem at once, and refuses writing into an input field', async () => {
    const err = await createError({ fields: { cost: 'Costs', netValue: 'Value ($/month)' } });
    expect(err.message).toContain('fields.cost "Costs"');
    expect(err.message).toContain(
      'fields.value and fields.netValue both resolve to customfield_10042',
    );
  });

  it('accepts field ids and cf[N] instead of names', async () => {
    const config = await configFor({
      fields: { value: 'customfield_10042', cost: 'cf[10043]', rankPosition: undefined },
    });
    const connector = await jiraModule.create(config, DEPS);
    expect(connector.trackerId).toBe('jira-sandbox');
  });

  it('check() reports account, fields, JQL and edit screens', async () => {
    const config = await configFor({});
    const report = await jiraModule.check(config, DEPS);
    expect(report.ok).toBe(true);
    const text = report.lines.map((l) => l.text).join('\n');
    expect(text).toContain('as netvalue bot <netvalue-bot@example.com>');
    expect(text).toContain('fields.netValue "Net value" is customfield_10050');
    expect(text).toMatch(/"Net value" \(customfield_10050\) is editable on [A-Z]+-\d+/);
    expect(sandbox?.log.count((e) => e.operation === 'editmeta')).toBeGreaterThan(0);
    expect(sandbox?.log.count((e) => e.operation === 'edit')).toBe(0);
  });

  it('check() flags a write-back field missing from the edit screen', async () => {
    const config = await configFor({});
    sandbox?.setOnEditScreen('Net value rank', false);
    const report = await jiraModule.check(config, DEPS);
    expect(report.ok).toBe(false);
    const bad = report.lines.filter((l) => !l.ok).map((l) => l.text);
    expect(bad[0]).toContain('"Net value rank" (customfield_10051) is not on the edit screen');
  });

  it('check() never throws: bad credentials, bad fields and bad JQL become lines', async () => {
    const badToken = await configFor({ apiToken: 'nope' });
    const denied = await jiraModule.check(badToken, DEPS);
    expect(denied.ok).toBe(false);
    expect(denied.lines[0]?.text).toContain('rejected the credentials');
    await sandbox?.close();

    const badField = await configFor({ fields: { cost: 'Cost (hour)' }, jql: 'project = NOPE' });
    const report = await jiraModule.check(badField, DEPS);
    const bad = report.lines.filter((l) => !l.ok).map((l) => l.text);
    expect(bad[0]).toContain('Closest names: "Cost (hours)"');
    expect(bad[1]).toContain("The value 'NOPE' does not exist for the field 'project'");
  });
  it('check() reports the range, impact and risk fields found, or the closest names', async () => {
    const config = await configFor({
      fields: {
        valueLow: 'Value low ($/month)',
        valueHigh: 'Value hgh ($/month)',
        valueImpact: 'Value impact',
        netValueLow: 'Net value P10',
        confidence: 'Net value confidence (%)',
      },
    });
    const report = await jiraModule.check(config, DEPS);
    const texts = report.lines.map((l) => `${l.ok ? 'ok' : 'FAIL'} ${l.text}`);
    expect(texts).toEqual(
      expect.arrayContaining([
        'ok fields.valueLow "Value low ($/month)" is customfield_10044, a number field',
        'ok fields.valueImpact "Value impact" is customfield_10048, a text field (impacts like \'+5% signups\')',
        'ok fields.netValueLow "Net value P10" is customfield_10052, a number field',
        expect.stringMatching(
          /^FAIL fields.valueHigh "Value hgh \(\$\/month\)" matches no Jira field.*Closest names: "Value high \(\$\/month\)"/,
        ) as unknown as string,
        expect.stringMatching(
          /^ok "Net value confidence \(%\)" \(customfield_10054\) is editable/,
        ) as unknown as string,
      ]),
    );
  });
});

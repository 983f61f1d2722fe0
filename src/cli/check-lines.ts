/** The lines `netvalue check` prints: one mark and one sentence each. */
export interface CheckLine {
  /** `warn` is worth fixing but does not make the check fail. */
  mark: 'ok' | 'warn' | 'fail';
  text: string;
}

const MARKS: Record<CheckLine['mark'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

/** A section: its title with `ok` or `PROBLEMS`, then its lines; returns whether it passed. */
export function printSection(
  out: (text: string) => void,
  title: string,
  lines: CheckLine[],
): boolean {
  const ok = lines.every((l) => l.mark !== 'fail');
  out(`\n${title}: ${ok ? 'ok' : 'PROBLEMS'}`);
  for (const line of lines) out(`  ${MARKS[line.mark]} ${line.text}`);
  return ok;
}

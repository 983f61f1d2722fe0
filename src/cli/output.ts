/** Small helpers for what commands print. */
import { Writable } from 'node:stream';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** stderr is a terminal (progress bars only then). */
  isTty: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  isTty: Boolean(process.stderr.isTTY),
};

/** A plain text table with left-aligned columns (right-aligned when `right` has the index). */
export function table(
  headers: string[],
  rows: string[][],
  right: ReadonlySet<number> = new Set(),
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * "20 need input (15 unscored, 5 invalid)": the one phrase for issues that cannot be scored.
 * "Needs input" always means unscored (an input is missing) plus invalid (an input cannot be
 * read). The dashboard says it with the same words (`needInput` in
 * src/server/dashboard/client-core.ts; test/unit/format-consistency.test.ts keeps them equal).
 */
export function needInputText(unscored: number, invalid: number): string {
  return `${unscored + invalid} need input (${unscored} unscored, ${invalid} invalid)`;
}

/** An issue's status as the CLI and the dashboard show it: `scored`, `unscored: Value is missing`. */
export function statusText(status: 'scored' | 'unscored' | 'invalid', reason: string): string {
  return status === 'scored' ? 'scored' : `${status}: ${reason}`;
}

/**
 * A progress bar on one terminal line of stderr that log lines never interleave with: a log line
 * written through `logStream` clears the bar, is written whole, and the bar is drawn again below.
 */
export class ProgressLine {
  private text = '';
  constructor(private readonly out: Pick<NodeJS.WritableStream, 'write'> = process.stderr) {}

  draw(text: string): void {
    this.text = text;
    this.out.write(`\r\x1b[K${text}`);
  }

  /** Ends the bar's line (the next output starts on a line of its own). */
  end(): void {
    if (this.text !== '') this.out.write('\n');
    this.text = '';
  }

  /** A destination for the logger: whole lines above the bar. */
  logStream(): Writable {
    return new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        const line = chunk.toString();
        this.out.write(this.text === '' ? line : `\r\x1b[K${line}${this.text}`);
        done();
      },
    });
  }
}

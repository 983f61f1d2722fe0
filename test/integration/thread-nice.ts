/** The nice value of each thread of a process (Linux: /proc/<pid>/task/<tid>/stat). */
import { readdirSync, readFileSync } from 'node:fs';

/** Each thread of process `pid` by its id, with its nice value; empty off Linux. */
export function threadNices(pid: number): Map<number, number> {
  const nices = new Map<number, number>();
  if (process.platform !== 'linux') return nices;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis start at the state (3rd); nice is the 19th.
      nices.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // a thread that ended while listed
    }
  }
  return nices;
}

/**
 * The JQL subset the sandbox understands: clauses on project, status, statusCategory, issuetype,
 * labels, id, key, summary (~), created, updated and number custom fields (by name, id or
 * cf[N]), combined with AND, OR, NOT and parentheses, plus ORDER BY. Errors use Jira's wording.
 */

export class JqlError extends Error {}

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'op'; text: string }
  | { kind: 'punct'; text: '(' | ')' | ',' };

export type Expr =
  | { kind: 'and'; left: Expr; right: Expr }
  | { kind: 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'clause'; field: string; op: string; values: string[] | 'EMPTY' };

export interface SortItem {
  field: string;
  descending: boolean;
}

export interface Query {
  where: Expr | null;
  orderBy: SortItem[];
}

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const ch = jql[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      let text = '';
      let j = i + 1;
      while (j < jql.length && jql[j] !== ch) {
        if (jql[j] === '\\') j++;
        text += jql[j] ?? '';
        j++;
      }
      if (j >= jql.length) {
        throw new JqlError(
          `Error in the JQL Query: The quoted string '${text}' has not been completed. (line 1, character ${i + 1})`,
        );
      }
      tokens.push({ kind: 'string', text });
      i = j + 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch });
      i++;
    } else {
      const op = /^(!=|>=|<=|!~|=|>|<|~)/.exec(jql.slice(i));
      if (op) {
        tokens.push({ kind: 'op', text: op[0] });
        i += op[0].length;
        continue;
      }
      const word = /^[^\s()",'=!<>~]+/.exec(jql.slice(i));
      if (!word)
        throw new JqlError(
          `Error in the JQL Query: unexpected character '${ch}' (line 1, character ${i + 1})`,
        );
      tokens.push({ kind: 'word', text: word[0] });
      i += word[0].length;
    }
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }
  private isWord(text: string, offset = 0): boolean {
    const t = this.tokens[this.at + offset];
    return t?.kind === 'word' && t.text.toUpperCase() === text;
  }
  private isPunct(text: string): boolean {
    const t = this.peek();
    return t?.kind === 'punct' && t.text === text;
  }
  private fail(expected: string): never {
    const t = this.peek();
    const found = t === undefined ? 'the end of the query' : `'${t.text}'`;
    throw new JqlError(`Error in the JQL Query: Expecting ${expected} but got ${found}.`);
  }
  private expectPunct(text: '(' | ')'): void {
    if (!this.isPunct(text)) this.fail(`'${text}'`);
    this.at++;
  }

  parse(): Query {
    const where = this.peek() === undefined || this.isWord('ORDER') ? null : this.or();
    const orderBy: SortItem[] = [];
    if (this.isWord('ORDER')) {
      this.at++;
      if (!this.isWord('BY')) this.fail("'by'");
      this.at++;
      do {
        if (this.isPunct(',')) this.at++;
        orderBy.push(this.sortItem());
      } while (this.isPunct(','));
    }
    if (this.peek() !== undefined) this.fail('the end of the query');
    return { where, orderBy };
  }
  private sortItem(): SortItem {
    const field = this.value();
    const descending = this.isWord('DESC');
    if (descending || this.isWord('ASC')) this.at++;
    return { field, descending };
  }
  private or(): Expr {
    let left = this.and();
    while (this.isWord('OR')) {
      this.at++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }
  private and(): Expr {
    let left = this.unary();
    while (this.isWord('AND')) {
      this.at++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }
  private unary(): Expr {
    if (this.isWord('NOT')) {
      this.at++;
      return { kind: 'not', expr: this.unary() };
    }
    if (this.isPunct('(')) {
      this.at++;
      const inner = this.or();
      this.expectPunct(')');
      return inner;
    }
    return this.clause();
  }
  private value(): string {
    const t = this.peek();
    if (t?.kind !== 'word' && t?.kind !== 'string') this.fail('a field name or value');
    this.at++;
    return t.text;
  }
  private operator(): string {
    const t = this.peek();
    if (t?.kind === 'op') {
      this.at++;
      return t.text;
    }
    if (this.isWord('IN')) return (this.at++, 'in');
    if (this.isWord('NOT') && this.isWord('IN', 1)) return ((this.at += 2), 'not in');
    if (this.isWord('IS') && this.isWord('NOT', 1)) return ((this.at += 2), 'is not');
    if (this.isWord('IS')) return (this.at++, 'is');
    return this.fail('an operator');
  }
  private clause(): Expr {
    const field = this.value();
    const op = this.operator();
    if (this.isWord('EMPTY') || this.isWord('NULL')) {
      this.at++;
      return { kind: 'clause', field, op, values: 'EMPTY' };
    }
    if (op === 'in' || op === 'not in') {
      this.expectPunct('(');
      const values = [this.value()];
      while (this.isPunct(',')) {
        this.at++;
        values.push(this.value());
      }
      this.expectPunct(')');
      return { kind: 'clause', field, op, values };
    }
    return { kind: 'clause', field, op, values: [this.value()] };
  }
}

export function parseJql(jql: string): Query {
  return new Parser(tokenize(jql)).parse();
}

/** `2024-01-01 10:00`, `2024/01/01`, or relative `-5m`, `-2h`, `-1d`, `-1w`. */
export function parseJqlDate(
  text: string,
  nowMs: number,
  toMs: (wall: {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
  }) => number,
): number {
  const relative = /^([-+]?)(\d+)([mhdw])$/.exec(text.trim());
  if (relative) {
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[relative[3] as 'm'];
    const sign = relative[1] === '-' ? -1 : 1;
    return nowMs + sign * Number(relative[2]) * unitMs;
  }
  const absolute = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (!absolute) {
    throw new JqlError(
      `Date value '${text}' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
    );
  }
  const [, y, mo, d, h, mi] = absolute;
  return toMs({
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h ?? 0),
    minute: Number(mi ?? 0),
  });
}

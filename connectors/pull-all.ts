import type { Issue } from '../src/domain/index.js';
import type { Connector } from './connector.js';

/** Every page of one pull, in order (tests, benchmarks, one-off tools; the pipeline pages itself). */
export async function pullAll(
  connector: Pick<Connector, 'pullPage'>,
  sinceIso: string | null = null,
): Promise<{ issues: Issue[]; pages: number }> {
  const issues: Issue[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await connector.pullPage({ cursor, sinceIso });
    issues.push(...page.issues);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null);
  return { issues, pages };
}

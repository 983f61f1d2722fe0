/**
 * `netvalue check` on a Redis Cluster: the cluster's state, and which master holds each hash tag
 * of the deployment (CLUSTER KEYSLOT, CLUSTER SLOTS), so an operator sees the trackers spread.
 */
import type { Cluster } from 'ioredis';
import type { CheckLine } from './check-lines.js';

interface SlotRange {
  start: number;
  end: number;
  master: string;
  replicas: string[];
}

function parseSlots(reply: unknown): SlotRange[] {
  if (!Array.isArray(reply)) return [];
  const addr = (node: unknown) =>
    Array.isArray(node) ? `${String(node[0])}:${String(node[1])}` : '?';
  return reply.map((range: unknown[]) => ({
    start: Number(range[0]),
    end: Number(range[1]),
    master: addr(range[2]),
    replicas: range.slice(3).map(addr),
  }));
}

/** The cluster's state line, then one line per hash tag: its slot and the master holding it. */
export async function clusterLines(
  cluster: Cluster,
  tags: readonly { name: string; tag: string }[],
): Promise<CheckLine[]> {
  const info = String(await cluster.call('CLUSTER', 'INFO'));
  const field = (name: string) => new RegExp(`${name}:(\\S+)`).exec(info)?.[1] ?? '?';
  const state = field('cluster_state');
  const ranges = parseSlots(await cluster.call('CLUSTER', 'SLOTS'));
  const masters = new Set(ranges.map((r) => r.master));
  const lines: CheckLine[] = [
    state === 'ok'
      ? {
          mark: 'ok',
          text: `cluster_state:ok, ${field('cluster_slots_ok')} of 16384 slots served, ${masters.size} masters, ${field('cluster_known_nodes')} nodes`,
        }
      : {
          mark: 'fail',
          text: `cluster_state:${state} (${field('cluster_slots_fail')} slots failing): a master is down and no replica took over; see CLUSTER NODES`,
        },
  ];
  for (const { name, tag } of tags) {
    const slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', tag));
    const range = ranges.find((r) => r.start <= slot && slot <= r.end);
    lines.push(
      range
        ? {
            mark: 'ok',
            text: `${name} ${tag}: slot ${slot} on master ${range.master}${range.replicas.length > 0 ? ` (replicas ${range.replicas.join(', ')})` : ' (no replica)'}`,
          }
        : { mark: 'fail', text: `${name} ${tag}: slot ${slot} is served by no master` },
    );
  }
  return lines;
}

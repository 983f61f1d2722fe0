/**
 * A real Redis Cluster for tests, CI and the bench: 3 masters + 3 replicas started from the
 * `redis-server` binary on free loopback ports (never 6379), joined with `redis-cli --cluster
 * create ... --cluster-replicas 1`, torn down after (exactly the processes started, by pid, and
 * their directory). Node timeout 2 s, so a killed master's replica takes over in a few seconds.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);
const REDIS_SERVER = process.env['REDIS_SERVER_BIN'] ?? '/usr/bin/redis-server';
const REDIS_CLI = process.env['REDIS_CLI_BIN'] ?? 'redis-cli';
const NODE_TIMEOUT_MS = 2000;

export interface ClusterNode {
  port: number;
  busPort: number;
  process: ChildProcess | null;
}

export interface RedisClusterHandle {
  /** Seed URLs of every node (`redis://127.0.0.1:<port>`), for `redisClusterNodes`. */
  urls: string[];
  nodes: ClusterNode[];
  /** The port of the master serving `slot` now. */
  masterOf(slot: number): Promise<number>;
  /** The hash slot of a key (CLUSTER KEYSLOT). */
  slotOf(key: string): Promise<number>;
  /** SIGKILLs the node on `port`; resolves once it has exited. */
  kill(port: number): Promise<void>;
  /** Starts a killed node again (it rejoins, as a replica if its slots moved on). */
  restart(port: number): Promise<void>;
  /** Waits until every running node says cluster_state:ok and every replica's link is up. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) {
    const port = await freePort();
    if (port !== 6379 && port + 10_000 < 65_536) ports.add(port);
  }
  return [...ports];
}

async function startNode(dir: string, node: ClusterNode): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    [
      ...['--port', String(node.port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes'],
      ...['--cluster-config-file', join(dir, `nodes-${node.port}.conf`)],
      ...['--cluster-node-timeout', String(NODE_TIMEOUT_MS)],
      ...['--cluster-replica-validity-factor', '0', '--repl-diskless-sync-delay', '0'],
      // Replicas show in CLUSTER SLOTS once their offset moved: ping them every second, not 10.
      ...['--repl-ping-replica-period', '1'],
      ...['--cluster-port', String(node.busPort), '--save', '', '--appendonly', 'no'],
      ...['--maxmemory-policy', 'noeviction', '--dir', dir],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.resume();
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  return child;
}

/** Polls `check` every 50 ms until it holds (the cluster has no event to wait on). */
async function until(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One short-lived connection to a node, for a command. */
async function onNode<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

export async function startRedisCluster(): Promise<RedisClusterHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'netvalue-cluster-'));
  const ports = await freePorts(12);
  const nodes: ClusterNode[] = Array.from({ length: 6 }, (_, i) => ({
    port: ports[i] as number,
    busPort: ports[i + 6] as number,
    process: null,
  }));
  const running = () => nodes.filter((n) => n.process !== null);

  const handle: RedisClusterHandle = {
    urls: nodes.map((n) => `redis://127.0.0.1:${n.port}`),
    nodes,
    async slotOf(key) {
      const first = running()[0] as ClusterNode;
      return Number(await onNode(first.port, (r) => r.call('CLUSTER', 'KEYSLOT', key)));
    },
    async masterOf(slot) {
      for (const node of running()) {
        const slots = await onNode(node.port, (r) => r.call('CLUSTER', 'SLOTS')).catch(() => null);
        if (!Array.isArray(slots)) continue;
        for (const range of slots as [number, number, [string, number]][]) {
          if (range[0] <= slot && slot <= range[1]) return Number(range[2][1]);
        }
      }
      throw new Error(`no master serves slot ${slot}`);
    },
    async kill(port) {
      const node = nodes.find((n) => n.port === port);
      const child = node?.process;
      if (!node || !child) throw new Error(`no running node on port ${port}`);
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      node.process = null;
    },
    async restart(port) {
      const node = nodes.find((n) => n.port === port);
      if (!node || node.process) throw new Error(`node ${port} is not stopped`);
      node.process = await startNode(dir, node);
    },
    async waitHealthy(timeoutMs = 30_000) {
      await until('every node ok and every replica linked', timeoutMs, async () => {
        const live = new Set(running().map((n) => n.port));
        const views = new Set<string>();
        for (const node of running()) {
          const ok = await onNode(node.port, async (r) => {
            const info = String(await r.call('CLUSTER', 'INFO'));
            if (!info.includes('cluster_state:ok')) return false;
            const repl = await r.info('replication');
            if (repl.includes('role:slave') && !repl.includes('master_link_status:up'))
              return false;
            // Every slot is served by a master that is running, as this node sees it.
            const slots = (await r.call('CLUSTER', 'SLOTS')) as [
              number,
              number,
              [string, number],
            ][];
            const served = slots.reduce((n, [a, b]) => n + (b - a + 1), 0);
            views.add(JSON.stringify(slots.map(([a, b, [, port]]) => [a, b, port]).sort()));
            return (
              served === 16_384 &&
              slots.every(([, , [, port]]) => live.has(Number(port))) &&
              // Every running replica is known to this node as one (gossip).
              slots.reduce((n, range) => n + range.length - 3, 0) ===
                live.size - new Set(slots.map(([, , [, port]]) => port)).size
            );
          });
          if (!ok) return false;
        }
        if (views.size !== 1) return false; // every node sees the same masters
        // Every running node serves slots or replicates one that does (a fresh or restarted node
        // is a slot-less master until its replication starts).
        const view = JSON.parse([...views][0] as string) as [number, number, number][];
        const masters = new Set(view.map(([, , port]) => Number(port)));
        for (const node of running()) {
          if (masters.has(node.port)) continue;
          const repl = await onNode(node.port, (r) => r.info('replication'));
          if (!repl.includes('role:slave') || !repl.includes('master_link_status:up')) return false;
        }
        return true;
      });
    },
    async stop() {
      await Promise.all(
        nodes.map(async (node) => {
          const child = node.process;
          if (!child) return;
          const exited = once(child, 'exit');
          child.kill('SIGKILL');
          await exited;
          node.process = null;
        }),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };

  // A test process that exits without stop() (a timeout, process.exit) takes its nodes along.
  const killAll = () => {
    for (const node of nodes) node.process?.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stop = handle.stop.bind(handle);
  handle.stop = async () => {
    process.off('exit', killAll);
    await stop();
  };
  try {
    for (const node of nodes) node.process = await startNode(dir, node);
    await run(REDIS_CLI, [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    await handle.waitHealthy();
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

/**
 * The processes the soak starts and kills: its own redis-server (AOF on, its own directory, a
 * free loopback port) and real `netvalue` processes (`node bin/netvalue.js ...`, sources through
 * tsx), each logging to its own file. Only these children are ever signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { answers, freePort } from '../src/demo/local-redis.js';

const BIN = new URL('../bin/netvalue.js', import.meta.url).pathname;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SoakRedis {
  private child: ChildProcess | null = null;
  restarts = 0;
  constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly logFile: string,
  ) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--logfile',
      this.logFile,
    ];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null)
        throw new Error(`redis-server exited (${child.exitCode}); see ${this.logFile}`);
      if (await answers(this.url)) return;
      await sleep(100);
    }
    throw new Error(`redis-server on port ${this.port} never answered PING`);
  }
  /** SIGKILL, then a restart from the AOF on the same port. */
  async crashAndRestart(downMs: number): Promise<void> {
    await this.kill();
    await sleep(downMs);
    await this.start();
    this.restarts++;
  }
  async kill(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) await this.kill();
    }
  }
}

export class NetvalueProcess {
  child: ChildProcess | null = null;
  private log: WriteStream;
  starts = 0;
  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    readonly logPath: string,
  ) {
    this.log = createWriteStream(logPath, { flags: 'a' });
  }
  /** Early exits at start-up (a tracker faulted while the process set up: it exits, as documented). */
  failedStarts = 0;
  /**
   * Starts the process as a supervisor would: a process that exits while starting is started
   * again (up to 20 times); resolves once its log says `readyLine`.
   */
  async start(readyLine: string, timeoutMs = 90_000): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.startOnce(readyLine, timeoutMs);
        return;
      } catch (err) {
        if (this.alive || attempt >= 20) throw err;
        this.failedStarts++;
        this.log.write(`[soak] ${this.name} exited while starting; starting it again\n`);
        await sleep(1_000);
      }
    }
  }

  private async startOnce(readyLine: string, timeoutMs: number): Promise<void> {
    const child = spawn(process.execPath, [BIN, ...this.args], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts++;
    let seen = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        this.log.write(chunk);
        if (seen !== null) {
          seen = (seen + chunk.toString()).slice(-4000);
          if (seen.includes(readyLine)) resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) =>
        reject(new Error(`${this.name} exited early (${code ?? signal}): ${seen.slice(-1500)}`)),
      );
      setTimeout(
        () => reject(new Error(`${this.name} not ready after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await ready;
  }
  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    child.kill(signal);
    await Promise.race([once(child, 'exit'), sleep(15_000)]);
    if (this.alive) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  async close(): Promise<void> {
    await this.kill('SIGTERM');
    await new Promise<void>((resolve) => this.log.end(resolve));
  }
}

export const logPathOf = (dir: string, name: string) => join(dir, `${name}.log`);

export { freePort };

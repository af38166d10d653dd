// Starts one benchmark server as a child process and stops it again. Every child is tracked so that
// an error, SIGINT or SIGTERM in the orchestrator never leaves one behind; the children also exit on
// their own when their stdin closes (the orchestrator died without cleaning up).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Framework, Variant } from '../variants.js';

const BENCH_DIR = fileURLToPath(new URL('../../', import.meta.url));
const live = new Set<ChildProcess>();

export interface ServerHandle {
  readonly framework: Framework;
  readonly variant: Variant;
  readonly port: number;
  readonly pid: number;
  /** True while the process runs. */
  alive(): boolean;
  /** CPU time (user + system, all threads) the process has used so far, in ms; null where /proc is missing. */
  cpuMs(): number | null;
  /** The last few KiB the server wrote to stderr (for error reports). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly env: Readonly<Record<string, string>>;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  readonly nodeFlags?: readonly string[];
  readonly readyTimeoutMs?: number;
}

const STDERR_KEEP = 4096;

export function startServer(framework: Framework, variant: Variant, options: StartOptions): Promise<ServerHandle> {
  const entry = fileURLToPath(new URL(`../servers/${framework}.ts`, import.meta.url));
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', entry, variant], {
    cwd: BENCH_DIR,
    env: { ...process.env, ...options.env, NODE_ENV: 'production' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  let exited = false;
  let stderr = '';
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
    // spawn failure: 'exit' may never come.
    child.once('error', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });
  child.stdin!.on('error', () => undefined);

  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => {
      if (!exited) child.kill('SIGKILL');
    }, 3000);
    await exitPromise;
    clearTimeout(killer);
  };

  return new Promise<ServerHandle>((resolve, reject) => {
    let buffered = '';
    let settled = false;
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${framework}/${variant}: ${reason}${stderr ? `\n${stderr.trim()}` : ''}`)));
    };
    const timer = setTimeout(() => fail(`no "ready <port>" line within ${options.readyTimeoutMs ?? 30000} ms`), options.readyTimeoutMs ?? 30000);
    child.once('error', (error) => fail(`could not spawn: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (settled) return;
      buffered += chunk;
      const match = /^ready (\d+)$/m.exec(buffered);
      if (match === null) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        framework,
        variant,
        port: Number(match[1]),
        pid: child.pid!,
        alive: () => !exited,
        cpuMs: () => processCpuMs(child.pid!),
        stderr: () => stderr,
        stop,
      });
    });
  });
}

/** Synchronous last resort for process 'exit': SIGKILL whatever is still running. */
export function killAllServersSync(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

/** Graceful stop of every running server (signal handlers). */
export async function stopAllServers(): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const child of live) {
    waits.push(
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
        child.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
    );
  }
  await Promise.all(waits);
}

// Linux: fields 14 and 15 of /proc/<pid>/stat are utime and stime in clock ticks (USER_HZ, 100 on
// every mainstream kernel), covering every thread of the process.
const TICK_MS = 10;
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: split after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * TICK_MS : null;
  } catch {
    return null;
  }
}

// Shared by the three server entry points: argument parsing, the "ready <port>" handshake and a
// shutdown that always ends the process (SIGTERM/SIGINT from the orchestrator, or its stdin closing
// because the orchestrator itself died).
import { fixturesFromEnv, type Fixtures } from '../fixtures.js';
import { isVariant, type Variant } from '../variants.js';

export interface ServerArgs {
  readonly variant: Variant;
  readonly fixtures: Fixtures;
}

export function serverArgs(framework: string): ServerArgs {
  const variant = process.argv[2] ?? '';
  if (!isVariant(variant)) {
    console.error(`usage: node --import tsx src/servers/${framework}.ts <variant>; unknown variant ${JSON.stringify(variant)}`);
    process.exit(2);
  }
  return { variant, fixtures: fixturesFromEnv() };
}

/** Tells the orchestrator the server listens; the only line it waits for. */
export function announce(port: number): void {
  process.stdout.write(`ready ${port}\n`);
}

/** Runs `close` once on SIGTERM, SIGINT or end of stdin, then exits 0 (so --cpu-prof is written). */
export function exitOnShutdown(close: () => unknown): void {
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    // Keep-alive sockets may hold close() open; never wait for them for long.
    setTimeout(() => process.exit(0), 500).unref();
    Promise.resolve()
      .then(close)
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}

export function fatal(error: unknown): never {
  console.error('benchmark server failed to start:', error);
  process.exit(1);
}

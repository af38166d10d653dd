// One autocannon run against 127.0.0.1, in-process, bounded by `durationSec`.
import autocannon from 'autocannon';
import type { Credential, Shape } from '../variants.js';

export interface Credentials {
  readonly apiKey: string;
  readonly apiKeyId: string;
  tokens(alg: 'hs256' | 'es256'): readonly string[];
  /** `Bearer <token>` for every token of `alg`, built once (the same array on every call). */
  bearers(alg: 'hs256' | 'es256'): readonly string[];
  /** Headers of the reused-token shape for a credential. */
  reusedHeaders(credential: Credential): Record<string, string>;
}

export interface LoadOptions {
  readonly port: number;
  readonly shape: Shape;
  readonly credential: Credential;
  readonly creds: Credentials;
  readonly durationSec: number;
  readonly connections: number;
  readonly pipelining: number;
  /** Reused shape only: the body every response must have (mismatches are counted). */
  readonly expectBody?: string;
}

export interface LoadResult {
  /** 2xx responses per second of the run. */
  readonly rps: number;
  readonly latencyP50: number;
  readonly latencyP99: number;
  readonly latencyAvg: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly mismatches: number;
  readonly durationSec: number;
  /** Distinct shape: the token list ran out during this server's life and started over, so some tokens repeated. */
  readonly tokensRepeated: boolean;
}

let current: autocannon.Instance | undefined;

/** Stops the run in progress, if any (signal handlers). */
export function stopLoad(): void {
  current?.stop();
}

// One cursor per server (port) and token list, shared by every connection and kept across that
// server's warm-up and measured runs: no request to a server carries a token it has seen before
// until the whole list was sent, which the result reports (a token cache could then answer it).
const cursors = new Map<string, { next: number; wrapped: boolean }>();
/** Token 0 is the reused token; 1 and 2 are sent by the answer check before any load. */
export const FIRST_LOAD_TOKEN = 3;

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base: autocannon.Options = {
    url: `http://127.0.0.1:${options.port}/me`,
    connections: options.connections,
    pipelining: options.pipelining,
    duration: options.durationSec,
    timeout: 10,
  };
  let opts: autocannon.Options;
  let repeated = (): boolean => false;
  if (options.shape === 'reused') {
    opts = { ...base, headers: options.creds.reusedHeaders(options.credential) };
    if (options.expectBody !== undefined) opts = { ...opts, expectBody: options.expectBody };
  } else {
    if (options.credential === 'apikey') throw new Error('the distinct shape needs JWTs');
    const headers = options.creds.bearers(options.credential);
    const key = `${options.port}/${options.credential}`;
    let cursor = cursors.get(key);
    // The first few tokens were sent by the pre-load answer check; start after them.
    if (cursor === undefined) cursors.set(key, (cursor = { next: Math.min(FIRST_LOAD_TOKEN, headers.length - 1), wrapped: false }));
    const c = cursor;
    repeated = () => c.wrapped;
    opts = {
      ...base,
      requests: [
        {
          method: 'GET',
          path: '/me',
          setupRequest: (req) => {
            req.headers = { ...req.headers, authorization: headers[c.next]! };
            if (c.next + 1 === headers.length) {
              c.next = 0;
              c.wrapped = true;
            } else {
              c.next++;
            }
            return req;
          },
        },
      ],
    };
  }
  return new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(opts, (error, result) => {
      current = undefined;
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      const durationSec = result.duration > 0 ? result.duration : options.durationSec;
      resolve({
        rps: result['2xx'] / durationSec,
        latencyP50: result.latency.p50,
        latencyP99: result.latency.p99,
        latencyAvg: result.latency.average,
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        mismatches: result.mismatches,
        durationSec,
        tokensRepeated: repeated(),
      });
    });
    current = instance;
  });
}

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
}

let current: autocannon.Instance | undefined;

/** Stops the run in progress, if any (signal handlers). */
export function stopLoad(): void {
  current?.stop();
}

// One cursor per token list, shared by every connection and kept across runs: consecutive
// requests, from any connection, never carry the same token until the whole list has been sent.
const cursors = new Map<readonly string[], { next: number }>();

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const base: autocannon.Options = {
    url: `http://127.0.0.1:${options.port}/me`,
    connections: options.connections,
    pipelining: options.pipelining,
    duration: options.durationSec,
    timeout: 10,
  };
  let opts: autocannon.Options;
  if (options.shape === 'reused') {
    opts = { ...base, headers: options.creds.reusedHeaders(options.credential) };
    if (options.expectBody !== undefined) opts = { ...opts, expectBody: options.expectBody };
  } else {
    if (options.credential === 'apikey') throw new Error('the distinct shape needs JWTs');
    const headers = options.creds.bearers(options.credential);
    let cursor = cursors.get(headers);
    if (cursor === undefined) cursors.set(headers, (cursor = { next: 0 }));
    const c = cursor;
    opts = {
      ...base,
      requests: [
        {
          method: 'GET',
          path: '/me',
          setupRequest: (req) => {
            req.headers = { ...req.headers, authorization: headers[c.next]! };
            c.next = c.next + 1 === headers.length ? 0 : c.next + 1;
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
      });
    });
    current = instance;
  });
}

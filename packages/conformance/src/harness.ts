// What every adapter's app factory provides, and the clients the scenarios use: fetch, a raw
// HTTP/1.1 socket (for what fetch cannot send) and a WebSocket client.
import type { AuthContext, AuthPolicy } from '@auth/core';
import { connect } from 'node:net';
import WebSocket from 'ws';

export interface AppOptions {
  /** Mount the global middleware with `{ optional: true }`. */
  readonly optional?: boolean;
  /** Mount a CORS preflight responder before the auth middleware. */
  readonly cors?: boolean;
  /**
   * Called by the GET /private, /me, /admin and /reports handlers with the caller, if any; a
   * string it returns is sent as the response's `Set-Cookie`, through the framework's own header
   * API (e.g. a session provider's `resignCookie`).
   */
  readonly setCookie?: (auth: AuthContext) => string | null;
}

/** A running app: every route handler (and not-found handler) pushes its name to `hits`. */
export interface RunningApp {
  readonly url: string;
  readonly hits: string[];
  close(): Promise<void>;
}

/**
 * Builds the same app on one framework, listening on 127.0.0.1:0:
 * - global auth middleware (fail closed unless `optional`)
 * - GET /private: requireAuth(); GET /me: public in optional mode
 * - GET /admin: roles ['admin']; GET /reports: permissions ['reports:read']
 * - POST /transfer: protect('transfer', JSON body)
 * - GET /ws and GET /ws-admin (roles ['admin']): WebSocket, sends `{ subject }` on open
 * Every handler answers `{ route, subject, args? }` (plus `Set-Cookie` when `options.setCookie` says so).
 */
export type AppFactory = (policy: AuthPolicy, options?: AppOptions) => Promise<RunningApp>;

export interface Target {
  readonly name: string;
  readonly start: AppFactory;
}

/** The part of a response every adapter must reproduce exactly. */
export interface Observation {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

// Headers compared across adapters. Success responses differ in content-type charset by framework,
// so content-type is compared on errors only.
const COMPARED = [
  'www-authenticate',
  'set-cookie',
  'cache-control',
  'retry-after',
  'x-envelope',
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
];

export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': 'https://app.example',
  'access-control-allow-methods': 'GET, POST',
  'access-control-allow-headers': 'authorization, content-type, x-approval-token',
  'access-control-max-age': '600',
};

function observe(status: number, get: (name: string) => string | undefined, text: string): Observation {
  const headers: Record<string, string> = {};
  for (const name of status >= 400 ? [...COMPARED, 'content-type'] : COMPARED) {
    const value = get(name);
    if (value !== undefined) headers[name] = value;
  }
  const type = get('content-type') ?? '';
  let body: unknown = text;
  if (type.includes('json') && text !== '') body = JSON.parse(text) as unknown;
  return { status, headers, body };
}

/** A request through fetch. */
export async function request(url: string, init: RequestInit = {}): Promise<Observation> {
  const res = await fetch(url, init);
  const text = await res.text();
  return observe(res.status, (name) => res.headers.get(name) ?? undefined, text);
}

export function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * Sends `head` (request line and headers, without the final blank line) and `body` byte for byte
 * over a fresh TCP connection, with `Connection: close`, and parses the response.
 */
export async function raw(url: string, head: string, body = ''): Promise<Observation> {
  const { hostname, port } = new URL(url);
  const data = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    const length = body === '' ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    socket.write(`${head}\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n${length}\r\n${body}`);
  });
  return parseResponse(data.toString('utf8'));
}

function parseResponse(text: string): Observation {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`no complete response: ${JSON.stringify(text.slice(0, 200))}`);
  const lines = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '')?.[1]);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = text.slice(end + 4);
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') body = unchunk(body);
  return observe(status, (name) => headers.get(name), body);
}

function unchunk(input: string): string {
  let out = '';
  let rest = input;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

export interface SocketObservation {
  /** True when the server accepted the upgrade and the socket opened. */
  readonly opened: boolean;
  /** The first message the server sent (parsed JSON), when opened. */
  readonly message?: unknown;
  /** The HTTP answer to a refused upgrade. */
  readonly refused?: Observation;
}

/** Opens a WebSocket to `path` and reports the first message or the refusal response. */
export function websocket(url: string, path: string, headers: Record<string, string> = {}): Promise<SocketObservation> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { headers });
    ws.on('message', (data: Buffer) => {
      resolve({ opened: true, message: JSON.parse(data.toString('utf8')) as unknown });
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ opened: false, refused: observe(res.statusCode ?? 0, (name) => headerValue(res.headers[name]), text) });
      });
      res.on('error', reject);
    });
    ws.on('open', () => {
      // Resolved by the first message; an open socket that never speaks fails the test by timeout.
    });
    ws.on('error', (error) => reject(error));
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

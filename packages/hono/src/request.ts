// Converts a Hono context into an @auth/core AuthRequest, and writes a refused WebSocket upgrade to
// the raw socket when @hono/node-ws would otherwise send a bare status line.
import { AuthRequest, type ErrorResponse, type RequestContext } from '@auth/core';
import type { Context } from 'hono';

// What @hono/node-server puts in `c.env` (typed here so the adapter imports nothing from node:*).
interface NodeSocket {
  write(data: string): unknown;
  destroy(): unknown;
  on(event: 'error', listener: () => void): unknown;
}
interface NodeIncoming {
  readonly rawHeaders: readonly string[];
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly upgrade?: boolean;
  readonly socket?: NodeSocket;
}
interface NodeEnv {
  readonly incoming?: NodeIncoming;
  readonly outgoing?: unknown;
}

function nodeIncoming(c: Context): NodeIncoming | undefined {
  const env = c.env as NodeEnv | undefined;
  const incoming = typeof env === 'object' && env !== null ? env.incoming : undefined;
  return incoming !== undefined && Array.isArray(incoming.rawHeaders) ? incoming : undefined;
}

// @hono/node-ws runs the app for an upgrade with `{ incoming, outgoing: undefined }` and only then
// takes over the socket; a plain request carrying `Upgrade: websocket` stays an HTTP request.
function upgradeSocket(c: Context): NodeSocket | undefined {
  const incoming = nodeIncoming(c);
  if (incoming?.upgrade !== true || (c.env as NodeEnv).outgoing !== undefined) return undefined;
  return incoming.socket;
}

function isWebSocket(c: Context, incoming: NodeIncoming | undefined): boolean {
  if (incoming !== undefined) {
    // `upgrade` first: reading `headers` makes Node build the header record, which it otherwise skips.
    if (incoming.upgrade !== true) return false;
    const upgrade = incoming.headers['upgrade'];
    return typeof upgrade === 'string' && upgrade.toLowerCase() === 'websocket';
  }
  return c.req.header('upgrade')?.toLowerCase() === 'websocket';
}

// The request contexts this adapter sets, built once.
const HTTP: Partial<RequestContext> = Object.freeze({ source: 'http', entrypoint: 'server' });
const WEBSOCKET: Partial<RequestContext> = Object.freeze({ source: 'websocket', entrypoint: 'server' });

/** The AuthRequest for a Hono context; on Node the raw header list is used so duplicates are seen. */
export function toAuthRequest(c: Context): AuthRequest {
  const incoming = nodeIncoming(c);
  const websocket = isWebSocket(c, incoming);
  // Guard the detached upgrade socket while hooks run: a client reset must not crash the process.
  if (websocket) upgradeSocket(c)?.on('error', destroyOnError);
  // The path as Hono routes it: from the parsed URL, dot segments resolved. Never Node's raw
  // target, where `/public/../admin` would read as a /public path to a hook while routed to /admin.
  const url = c.req.url;
  const slash = url.indexOf('/', url.indexOf('://') + 3);
  const target = slash === -1 ? '/' : url.slice(slash);
  const q = target.indexOf('?');
  const query = q === -1 ? '' : target.slice(q + 1);
  const context = websocket ? WEBSOCKET : HTTP;
  return incoming === undefined
    ? new AuthRequest({ method: c.req.method, path: target, headers: c.req.raw.headers, context, query })
    : new AuthRequest({ method: c.req.method, path: target, rawHeaders: incoming.rawHeaders, context, query });
}

function destroyOnError(this: NodeSocket): void {
  this.destroy();
}

/**
 * The Response for a core error. During a @hono/node-ws upgrade the same status, headers and body
 * are also written to the raw socket, which is then closed, so no socket is ever opened.
 */
export function errorResponse(c: Context, response: ErrorResponse): Response {
  const socket = upgradeSocket(c);
  if (socket !== undefined) {
    let head = `HTTP/1.1 ${response.status} \r\n`;
    for (const [name, value] of Object.entries(response.headers)) head += `${name}: ${value}\r\n`;
    head += `content-length: ${new TextEncoder().encode(response.body).byteLength}\r\nconnection: close\r\n\r\n`;
    socket.write(head + response.body);
    socket.destroy();
  }
  // A copy: @hono/node-server may add to a plain headers object, and the core's is frozen.
  return new Response(response.body, { status: response.status, headers: { ...response.headers } });
}

// Converts a Node/Express request into an @auth/core AuthRequest, and writes the core's error
// response to an Express response or to the raw socket of a refused upgrade.
import { AuthRequest, type ErrorResponse } from '@auth/core';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** The AuthRequest for a request; `upgrade` is true only for requests Node dispatched as `upgrade`. */
export function toAuthRequest(req: IncomingMessage & { originalUrl?: string }, upgrade: boolean): AuthRequest {
  const url = req.originalUrl ?? req.url ?? '/';
  const q = url.indexOf('?');
  const websocket = upgrade && req.headers.upgrade?.toLowerCase() === 'websocket';
  return new AuthRequest({
    method: req.method ?? 'GET',
    path: url,
    // Node keeps every duplicate only in rawHeaders (req.headers drops a second Authorization).
    rawHeaders: req.rawHeaders,
    context: { source: websocket ? 'websocket' : 'http', entrypoint: 'server' },
    query: q === -1 ? '' : url.slice(q + 1),
  });
}

/** Writes the core's response verbatim with Node's own API (identical on Express 4 and 5). */
export function send(res: ServerResponse, response: ErrorResponse): void {
  if (res.headersSent) return;
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body);
}

/** Writes the core's response to the socket of a refused upgrade, then closes it: no socket opens. */
export function refuse(socket: Duplex, response: ErrorResponse): void {
  if (socket.destroyed) return;
  let head = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n`;
  for (const [name, value] of Object.entries(response.headers)) head += `${name}: ${value}\r\n`;
  head += `content-length: ${Buffer.byteLength(response.body)}\r\nconnection: close\r\n\r\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(head + response.body);
}

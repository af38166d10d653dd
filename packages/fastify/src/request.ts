// Converts a Fastify request into an @auth/core AuthRequest and writes the core's error response.
import { AuthRequest, type ErrorResponse } from '@auth/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

// A WebSocket upgrade is one Node dispatched as `upgrade` (or @fastify/websocket marked as one);
// a plain request that merely carries `Upgrade: websocket` stays an HTTP request.
function isWebSocket(request: FastifyRequest): boolean {
  const upgrade = request.raw.headers.upgrade;
  if (typeof upgrade !== 'string' || upgrade.toLowerCase() !== 'websocket') return false;
  return (request.raw as { upgrade?: unknown }).upgrade === true || (request as { ws?: unknown }).ws === true;
}

/** The AuthRequest for a Fastify request, built from the raw header list and query string. */
export function toAuthRequest(request: FastifyRequest): AuthRequest {
  const url = request.url;
  const q = url.indexOf('?');
  const method = request.method;
  const context = { source: isWebSocket(request) ? 'websocket' : 'http', entrypoint: 'server', requestId: String(request.id) } as const;
  const query = q === -1 ? '' : url.slice(q + 1);
  // Node keeps every duplicate only in rawHeaders (req.headers drops a second Authorization);
  // injected requests (app.inject) may lack the list, and then the header record is used.
  const rawHeaders = request.raw.rawHeaders as readonly string[] | undefined;
  return Array.isArray(rawHeaders)
    ? new AuthRequest({ method, path: url, rawHeaders, context, query })
    : new AuthRequest({ method, path: url, headers: request.raw.headers, context, query });
}

/** Writes the core's response verbatim (a Buffer, so Fastify neither serialises nor adds a charset). */
export function send(reply: FastifyReply, response: ErrorResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(Buffer.from(response.body, 'utf8'));
}

// The three ways the tour talks to a server: fetch, a raw HTTP/1.1 socket (for what fetch cannot
// send, like a repeated header) and a WebSocket client. Each gives back a status and a body.
import { connect } from 'node:net';
import WebSocket from 'ws';

/** What a step observed. A WebSocket that opened reports 101 and the first message as its body. */
export interface Observation {
  readonly status: number;
  readonly body: unknown;
}

const TIMEOUT_MS = 5000;

export async function request(url: string, init: RequestInit = {}): Promise<Observation> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: res.status, body: parseBody(await res.text()) };
}

/** Sends the request line and headers byte for byte over a fresh connection and parses the answer. */
export function raw(url: string, lines: readonly string[]): Promise<Observation> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.write([...lines, `Host: ${hostname}:${port}`, 'Connection: close', '', ''].join('\r\n'));
  });
}

/** Opens a WebSocket: 101 and the greeting when accepted, the HTTP answer when refused. */
export function websocket(url: string, path: string): Promise<Observation> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { handshakeTimeout: TIMEOUT_MS });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('websocket opened but sent nothing'));
    }, TIMEOUT_MS);
    const done = (observation: Observation) => {
      clearTimeout(timer);
      resolve(observation);
    };
    ws.on('message', (data: Buffer) => {
      ws.close();
      done({ status: 101, body: data.toString('utf8') });
    });
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function parseResponse(text: string): Observation {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`incomplete response: ${JSON.stringify(text.slice(0, 120))}`);
  const lines = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const chunked = lines.some((line) => /^transfer-encoding:\s*chunked$/i.test(line));
  const body = text.slice(end + 4);
  return { status, body: parseBody(chunked ? unchunk(body) : body) };
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

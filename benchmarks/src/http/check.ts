// Correctness before speed: every server variant must answer a valid credential with 200 and the
// right subject, and a missing or bad credential with 401, before it is measured.
import { request } from 'node:http';
import { CONSTANT_SUBJECT, subjectOf, tamper } from '../fixtures.js';
import { VARIANT_INFO, type Variant } from '../variants.js';
import type { Credentials } from './load.js';

interface Reply {
  readonly status: number;
  readonly body: string;
}

export function get(port: number, path: string, headers: Readonly<Record<string, string>>, timeoutMs = 5000): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

function subjectIn(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { sub?: unknown }).sub === 'string') return (parsed as { sub: string }).sub;
  } catch {
    // not JSON
  }
  return undefined;
}

/** Returns the list of problems found (empty when the variant behaves). */
export async function checkVariant(port: number, variant: Variant, creds: Credentials): Promise<string[]> {
  const info = VARIANT_INFO[variant];
  const problems: string[] = [];
  const expect = async (what: string, headers: Record<string, string>, status: number, subject?: string): Promise<void> => {
    let reply: Reply;
    try {
      reply = await get(port, '/me', headers);
    } catch (error) {
      problems.push(`${what}: request failed: ${(error as Error).message}`);
      return;
    }
    if (reply.status !== status) {
      problems.push(`${what}: expected ${status}, got ${reply.status} ${reply.body.slice(0, 200)}`);
      return;
    }
    if (subject !== undefined && subjectIn(reply.body) !== subject) {
      problems.push(`${what}: expected subject ${JSON.stringify(subject)}, got body ${reply.body.slice(0, 200)}`);
    }
  };

  if (!info.authenticates) {
    await expect('no auth, with a token', creds.reusedHeaders(info.credential), 200, CONSTANT_SUBJECT);
    await expect('no auth, without a token', {}, 200, CONSTANT_SUBJECT);
    return problems;
  }
  const expectedSubject = info.credential === 'apikey' ? creds.apiKeyId : subjectOf(0);
  await expect('valid credential', creds.reusedHeaders(info.credential), 200, expectedSubject);
  await expect('no credential', {}, 401);
  if (info.credential === 'apikey') {
    await expect('wrong API key', { 'x-api-key': `${creds.apiKey.slice(0, -2)}xx` }, 401);
  } else {
    const tokens = creds.tokens(info.credential);
    await expect('tampered signature', { authorization: `Bearer ${tamper(tokens[0]!)}` }, 401);
    if (info.shapes.includes('distinct')) {
      // Tokens 1 and 2; the distinct load starts at FIRST_LOAD_TOKEN, after them.
      await expect('a distinct token', { authorization: `Bearer ${tokens[2]!}` }, 200, subjectOf(2));
      await expect('another distinct token', { authorization: `Bearer ${tokens[1]!}` }, 200, subjectOf(1));
    }
  }
  return problems;
}

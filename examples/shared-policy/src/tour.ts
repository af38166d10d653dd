// The scripted tour `demo --check` runs against every server: each step is sent to all of them,
// and must give the expected status (and error code) everywhere, with the same body everywhere.
import { argumentsHash } from '@auth/core';
import { isDeepStrictEqual } from 'node:util';
import type { RunningServer } from './listen.js';
import { mintApprovalToken, mintUserToken, serviceApiKey, TRANSFER } from './policy.js';
import { raw, request, websocket, type Observation } from './probe.js';

export interface Step {
  readonly name: string;
  readonly status: number;
  /** The `error.code` of the shared envelope, for error steps. */
  readonly code?: string;
  run(url: string): Promise<Observation>;
  /** A further check on what one server answered; returns what is wrong, or null. */
  verify?(observation: Observation): string | null;
}

export interface StepResult {
  readonly step: Step;
  readonly observations: ReadonlyArray<Observation | Error>;
  readonly problems: readonly string[];
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const postJson = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** A forgery: the payload swapped for one claiming the admin role, the original signature kept. */
function escalated(token: string): string {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
  return `${header}.${forged}.${signature}`;
}

function errorOf(body: unknown): Record<string, unknown> | null {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : null;
}

const field = (name: string, expected: unknown) => (o: Observation) => {
  const value = typeof o.body === 'object' && o.body !== null ? (o.body as Record<string, unknown>)[name] : undefined;
  return value === expected ? null : `${name} is ${JSON.stringify(value)}, expected ${JSON.stringify(expected)}`;
};

export async function tourSteps(): Promise<Step[]> {
  const user = await mintUserToken('bob', ['user']);
  const admin = await mintUserToken('alice', ['admin']);
  const expired = await mintUserToken('bob', ['user'], { expiresIn: -60 });
  const forged = escalated(user);
  const transfer = { to: 'acct_42', amount: 100 };
  const hash = argumentsHash(TRANSFER, transfer);
  const approval = mintApprovalToken(TRANSFER, transfer);
  const otherApproval = mintApprovalToken(TRANSFER, { ...transfer, amount: 1 });

  return [
    { name: 'GET /health, no credential', status: 200, run: (u) => request(`${u}/health`) },
    { name: 'GET /me, no credential', status: 401, code: 'unauthorized', run: (u) => request(`${u}/me`) },
    { name: 'GET /me, user JWT', status: 200, run: (u) => request(`${u}/me`, { headers: bearer(user) }), verify: field('subject', 'bob') },
    { name: 'GET /me, expired JWT', status: 401, code: 'invalid_token', run: (u) => request(`${u}/me`, { headers: bearer(expired) }) },
    { name: 'GET /me, tampered JWT (roles forged)', status: 401, code: 'invalid_token', run: (u) => request(`${u}/me`, { headers: bearer(forged) }) },
    {
      name: 'GET /me, service API key',
      status: 200,
      run: (u) => request(`${u}/me`, { headers: { 'x-api-key': serviceApiKey() } }),
      verify: field('subject', 'billing-service'),
    },
    {
      name: 'GET /me, JWT and API key at once',
      status: 400,
      code: 'invalid_request',
      run: (u) => request(`${u}/me`, { headers: { ...bearer(user), 'x-api-key': serviceApiKey() } }),
    },
    { name: 'GET /me, unknown API key', status: 401, code: 'invalid_token', run: (u) => request(`${u}/me`, { headers: { 'x-api-key': 'sk_dev_0000000000000000000000000000000000000000000' } }) },
    {
      name: 'GET /me, Authorization sent twice (raw)',
      status: 400,
      code: 'invalid_request',
      run: (u) => raw(u, ['GET /me HTTP/1.1', `Authorization: Bearer ${user}`, `Authorization: Bearer ${admin}`]),
    },
    { name: 'GET /admin, user JWT', status: 403, code: 'forbidden', run: (u) => request(`${u}/admin`, { headers: bearer(user) }) },
    { name: 'GET /admin, admin JWT', status: 200, run: (u) => request(`${u}/admin`, { headers: bearer(admin) }), verify: field('subject', 'alice') },
    {
      name: 'POST /transfer, no approval token',
      status: 409,
      code: 'approval_required',
      run: (u) => request(`${u}/transfer`, postJson(transfer, bearer(user))),
      verify: (o) => {
        const error = errorOf(o.body);
        return error?.['action'] === TRANSFER && error['argumentsHash'] === hash ? null : `body lacks action "${TRANSFER}" and argumentsHash ${hash}`;
      },
    },
    {
      name: 'POST /transfer, token for other arguments',
      status: 403,
      code: 'approval_denied',
      run: (u) => request(`${u}/transfer`, postJson(transfer, { ...bearer(user), 'x-approval-token': otherApproval })),
    },
    {
      name: 'POST /transfer, matching approval token',
      status: 200,
      run: (u) => request(`${u}/transfer`, postJson(transfer, { ...bearer(user), 'x-approval-token': approval })),
      verify: field('by', 'bob'),
    },
    {
      name: 'WS /ws?token=<user JWT>',
      status: 101,
      run: (u) => websocket(u, `/ws?token=${encodeURIComponent(user)}`),
      verify: (o) => (o.body === 'hello bob' ? null : `greeting is ${JSON.stringify(o.body)}`),
    },
    { name: 'WS /ws, no credential', status: 401, code: 'unauthorized', run: (u) => websocket(u, '/ws') },
  ];
}

/** Sends every step to every server (servers in parallel, steps in order). */
export async function runTour(servers: readonly RunningServer[], steps: readonly Step[]): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of steps) {
    const observations = await Promise.all(
      servers.map((server) => step.run(server.url).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))),
    );
    results.push({ step, observations, problems: problemsOf(step, servers, observations) });
  }
  return results;
}

function problemsOf(step: Step, servers: readonly RunningServer[], observations: ReadonlyArray<Observation | Error>): string[] {
  const problems: string[] = [];
  const first = observations[0];
  observations.forEach((o, i) => {
    const name = servers[i]!.name;
    if (o instanceof Error) {
      problems.push(`${name}: ${o.message}`);
      return;
    }
    if (o.status !== step.status) problems.push(`${name}: status ${o.status}, expected ${step.status}`);
    const code = errorOf(o.body)?.['code'];
    if (step.code !== undefined && code !== step.code) problems.push(`${name}: error code ${JSON.stringify(code)}, expected "${step.code}"`);
    const wrong = step.verify?.(o) ?? null;
    if (wrong !== null) problems.push(`${name}: ${wrong}`);
    // The envelope and the route bodies are decided once, so every body must match the first.
    if (i > 0 && first !== undefined && !(first instanceof Error) && !isDeepStrictEqual(o.body, first.body)) {
      problems.push(`${name}: body ${JSON.stringify(o.body)} differs from ${servers[0]!.name}'s ${JSON.stringify(first.body)}`);
    }
  });
  return problems;
}

/** The side-by-side table: one row per step, one column per server, then the verdict. */
export function formatTable(servers: readonly RunningServer[], results: readonly StepResult[]): string {
  const nameWidth = Math.max(4, ...results.map((r) => r.step.name.length));
  const expectWidth = Math.max(8, ...results.map((r) => expected(r.step).length));
  const widths = servers.map((s) => Math.max(s.name.length, 3));
  const row = (cells: readonly string[]) => cells.join('  ').trimEnd();
  const lines = [
    row(['step'.padEnd(nameWidth), 'expected'.padEnd(expectWidth), ...servers.map((s, i) => s.name.padStart(widths[i]!)), 'result']),
    row(['-'.repeat(nameWidth), '-'.repeat(expectWidth), ...widths.map((w) => '-'.repeat(w)), '------']),
  ];
  for (const { step, observations, problems } of results) {
    const statuses = observations.map((o, i) => (o instanceof Error ? 'ERR' : String(o.status)).padStart(widths[i]!));
    lines.push(row([step.name.padEnd(nameWidth), expected(step).padEnd(expectWidth), ...statuses, problems.length === 0 ? 'ok' : 'FAIL']));
  }
  return lines.join('\n');
}

function expected(step: Step): string {
  return step.code === undefined ? String(step.status) : `${step.status} ${step.code}`;
}

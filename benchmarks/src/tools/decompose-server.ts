// Diagnostic server for decompose.ts: the same Hono /me route with the @auth work added one piece at
// a time (AuthRequest, the jwt() provider, policy.authenticate, then the real @auth/hono adapter), so
// the CPU per request of each step can be compared. Not part of `pnpm bench`.
import { serve } from '@hono/node-server';
import { auth, getAuth } from '@auth/hono';
import { AuthContext, AuthRequest, createAuth, jwt } from '@auth/core';
import { Hono, type Context } from 'hono';
import { fixturesFromEnv } from '../fixtures.js';
import { announce, exitOnShutdown } from '../servers/common.js';

const step = process.argv[2] ?? 'none';
const f = fixturesFromEnv();
const ctx = new AuthContext({ subject: 'user-0' });
const constHook = async (): Promise<AuthContext> => ctx;
const jwtPolicy = createAuth({ authenticate: jwt({ algorithms: ['HS256'], secret: f.hsSecret }), logger: false });
const constPolicy = createAuth({ authenticate: constHook, logger: false });
const provider = jwt({ algorithms: ['HS256'], secret: f.hsSecret });

function pairs(raw: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}
const build = (c: Context): AuthRequest =>
  new AuthRequest({ method: c.req.method, path: '/me', headers: pairs((c.env as { incoming: { rawHeaders: string[] } }).incoming.rawHeaders), context: { source: 'http', entrypoint: 'server' }, query: '' });

const app = new Hono();
const send = (c: Context, sub: string): Response => c.json({ sub });
switch (step) {
  case 'none':
    app.get('/me', (c) => send(c, 'user-0'));
    break;
  case 'noop':
    app.use('/me', async (_c, next) => {
      await Promise.resolve();
      await next();
    });
    app.get('/me', (c) => send(c, 'user-0'));
    break;
  case 'authreq':
    app.use('/me', async (c, next) => { build(c); await next(); });
    app.get('/me', (c) => send(c, 'user-0'));
    break;
  case 'provider':
    app.use('/me', async (c, next) => { const a = await provider(build(c)); c.set('sub' as never, a!.subject as never); await next(); });
    app.get('/me', (c) => send(c, 'user-0'));
    break;
  case 'policy-const':
    app.use('/me', async (c, next) => { await constPolicy.authenticate(build(c), { optional: false }); await next(); });
    app.get('/me', (c) => send(c, 'user-0'));
    break;
  case 'policy-jwt':
    app.use('/me', async (c, next) => { await jwtPolicy.authenticate(build(c), { optional: false }); await next(); });
    app.get('/me', (c) => send(c, 'user-0'));
    break;
  case 'pj-weakmap': {
    const wm = new WeakMap<object, unknown>();
    app.use('/me', async (c, next) => { const req = build(c); const a = await jwtPolicy.authenticate(req, { optional: false }); wm.set(c, { policy: jwtPolicy, req, auth: a }); await next(); });
    app.get('/me', (c) => send(c, (wm.get(c) as { auth: AuthContext }).auth.subject));
    break;
  }
  case 'pj-cset':
    app.use('/me', async (c, next) => { const a = await jwtPolicy.authenticate(build(c), { optional: false }); c.set('auth' as never, a as never); await next(); });
    app.get('/me', (c) => send(c, (c.get('auth' as never) as AuthContext).subject));
    break;
  case 'pj-layers': {
    const inner = async (req: AuthRequest) => { try { await jwtPolicy.authenticate(req, { optional: false }); return undefined; } catch (e) { return jwtPolicy.respond(e); } };
    const settle = async (next: () => Promise<void>, r: unknown) => { if (r !== undefined) return new Response('x', { status: 401 }); await next(); return undefined; };
    app.use('/me', async (c, next) => { const r = await inner(build(c)); return settle(next, r); });
    app.get('/me', (c) => send(c, 'user-0'));
    break;
  }
  case 'pj-url':
    app.use('/me', async (c, next) => { const u = c.req.url; if (u.length < 3) throw new Error('x'); await jwtPolicy.authenticate(build(c), { optional: false }); await next(); });
    app.get('/me', (c) => send(c, 'user-0'));
    break;
  case 'adapter-const':
    app.use('/me', auth(constPolicy));
    app.get('/me', (c) => send(c, getAuth(c)!.subject));
    break;
  case 'adapter-jwt':
    app.use('/me', auth(jwtPolicy));
    app.get('/me', (c) => send(c, getAuth(c)!.subject));
    break;
}
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => announce(info.port));
exitOnShutdown(() => new Promise<void>((resolve) => server.close(() => resolve())));

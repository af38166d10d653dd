// Hono on @hono/node-server. Usage: node --import tsx src/servers/hono.ts <variant>
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { jwt, type JwtVariables } from 'hono/jwt';
import { CONSTANT_SUBJECT } from '../fixtures.js';
import { announce, exitOnShutdown, fatal, serverArgs } from './common.js';

const { variant, fixtures } = serverArgs('hono');

async function buildApp(): Promise<{ fetch: (request: Request) => Response | Promise<Response> }> {
  switch (variant) {
    case 'none': {
      const app = new Hono();
      app.get('/me', (c) => c.json({ sub: CONSTANT_SUBJECT }));
      return app;
    }
    case 'noop': {
      const app = new Hono();
      app.use('/me', async (_c, next) => {
        await Promise.resolve();
        await next();
      });
      app.get('/me', (c) => c.json({ sub: CONSTANT_SUBJECT }));
      return app;
    }
    case 'eco-hs256':
    case 'eco-es256': {
      const app = new Hono<{ Variables: JwtVariables<{ sub: string }> }>();
      app.use(
        '/me',
        variant === 'eco-hs256' ? jwt({ secret: fixtures.hsSecret, alg: 'HS256' }) : jwt({ secret: fixtures.esPublicPem, alg: 'ES256' }),
      );
      app.get('/me', (c) => c.json({ sub: c.get('jwtPayload').sub }));
      return app;
    }
    default: {
      // @auth code is loaded only by the @auth variants, so the baselines run without it.
      const [{ auth, getAuth }, { authPolicy }] = await Promise.all([import('@auth/hono'), import('./policy.js')]);
      const app = new Hono();
      app.use('/me', auth(authPolicy(variant, fixtures)));
      app.get('/me', (c) => c.json({ sub: getAuth(c)!.subject }));
      return app;
    }
  }
}

async function main(): Promise<void> {
  const app = await buildApp();
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => announce(info.port));
  exitOnShutdown(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

main().catch(fatal);

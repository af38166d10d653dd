// Fastify 5. Usage: node --import tsx src/servers/fastify.ts <variant>
import fastifyJwt from '@fastify/jwt';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { CONSTANT_SUBJECT } from '../fixtures.js';
import { announce, exitOnShutdown, fatal, serverArgs } from './common.js';

const { variant, fixtures } = serverArgs('fastify');

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  switch (variant) {
    case 'none':
      app.get('/me', async () => ({ sub: CONSTANT_SUBJECT }));
      break;
    case 'noop':
      app.addHook('onRequest', async () => {
        await Promise.resolve();
      });
      app.get('/me', async () => ({ sub: CONSTANT_SUBJECT }));
      break;
    case 'eco-hs256':
    case 'eco-es256':
      // Diagnostics only (never set by run.ts): BENCH_FLOOR=1 makes eco-hs256 the least any JWT
      // check can cost on Fastify: fast-jwt's bare verifier in a synchronous onRequest hook.
      if (variant === 'eco-hs256' && process.env['BENCH_FLOOR'] === '1') {
        const { createVerifier } = await import('fast-jwt');
        const verify = createVerifier({ key: fixtures.hsSecret, algorithms: ['HS256'] });
        app.decorateRequest('floorUser', null);
        app.addHook('onRequest', (request, reply, done) => {
          try {
            (request as unknown as { floorUser: unknown }).floorUser = verify((request.headers.authorization ?? '').slice(7));
            done();
          } catch {
            void reply.code(401).send();
          }
        });
        app.get('/me', async (request) => ({ sub: (request as unknown as { floorUser: { sub: string } }).floorUser.sub }));
        break;
      }
      // @fastify/jwt's defaults (fast-jwt underneath, no verified-token cache), as users install it.
      await app.register(fastifyJwt, variant === 'eco-hs256' ? { secret: fixtures.hsSecret } : { secret: { public: fixtures.esPublicPem } });
      app.addHook('onRequest', async (request) => {
        await request.jwtVerify();
      });
      app.get('/me', async (request) => ({ sub: (request.user as { sub: string }).sub }));
      break;
    default: {
      // @auth code is loaded only by the @auth variants, so the baselines run without it.
      const [{ fastifyAuth }, { authPolicy }] = await Promise.all([import('@auth/fastify'), import('./policy.js')]);
      await app.register(fastifyAuth, { auth: authPolicy(variant, fixtures) });
      app.get('/me', async (request) => ({ sub: request.auth!.subject }));
      break;
    }
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  announce((app.server.address() as AddressInfo).port);
  exitOnShutdown(() => app.close());
}

main().catch(fatal);

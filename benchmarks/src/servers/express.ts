// Express 5. Usage: node --import tsx src/servers/express.ts <variant>
import express, { type ErrorRequestHandler, type Express } from 'express';
import { expressjwt, type Request as JWTRequest } from 'express-jwt';
import type { AddressInfo } from 'node:net';
import { CONSTANT_SUBJECT } from '../fixtures.js';
import { announce, exitOnShutdown, fatal, serverArgs } from './common.js';

const { variant, fixtures } = serverArgs('express');

async function buildApp(): Promise<Express> {
  const app = express();
  switch (variant) {
    case 'none':
      app.get('/me', (_req, res) => {
        res.json({ sub: CONSTANT_SUBJECT });
      });
      break;
    case 'noop':
      app.get(
        '/me',
        (_req, _res, next) => {
          void Promise.resolve().then(() => next());
        },
        (_req, res) => {
          res.json({ sub: CONSTANT_SUBJECT });
        },
      );
      break;
    case 'eco-hs256':
    case 'eco-es256': {
      const verify =
        variant === 'eco-hs256'
          ? expressjwt({ secret: fixtures.hsSecret, algorithms: ['HS256'] })
          : expressjwt({ secret: fixtures.esPublicPem, algorithms: ['ES256'] });
      app.get('/me', verify, (req: JWTRequest, res) => {
        res.json({ sub: req.auth!.sub });
      });
      // express-jwt signals a missing or bad token with an UnauthorizedError (status 401).
      const onError: ErrorRequestHandler = (err: { status?: number }, _req, res, _next) => {
        res.status(err.status ?? 500).json({ error: 'unauthorized' });
      };
      app.use(onError);
      break;
    }
    default: {
      // @auth code is loaded only by the @auth variants, so the baselines run without it.
      const [{ auth, getAuth }, { authPolicy }] = await Promise.all([import('@auth/express'), import('./policy.js')]);
      app.get('/me', auth(authPolicy(variant, fixtures)), (req, res) => {
        res.json({ sub: getAuth(req)!.subject });
      });
      break;
    }
  }
  return app;
}

async function main(): Promise<void> {
  const app = await buildApp();
  const server = app.listen(0, '127.0.0.1', (error?: Error) => {
    if (error) fatal(error);
    announce((server.address() as AddressInfo).port);
  });
  server.on('error', fatal);
  exitOnShutdown(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

main().catch(fatal);

// Every adapter the suite runs against.
import { startExpress4, startExpress4JsonFirst, startExpress5, startExpress5JsonFirst } from './apps/express.js';
import { startFastify } from './apps/fastify.js';
import { startHono } from './apps/hono.js';
import type { Target } from './harness.js';

export const TARGETS: readonly Target[] = [
  { name: 'hono', start: startHono },
  { name: 'fastify', start: startFastify },
  { name: 'express5', start: startExpress5 },
  { name: 'express4', start: startExpress4 },
  { name: 'express5+json-first', start: startExpress5JsonFirst },
  { name: 'express4+json-first', start: startExpress4JsonFirst },
];

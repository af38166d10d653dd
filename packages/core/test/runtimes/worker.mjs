// The workerd variant of smoke.mjs: a module worker that runs the shared checks against the
// portable entry (what a Workers bundler resolves: no `node` condition) when it is fetched.
// The checks run inside the handler, where a Worker does its work.
import * as core from '../../dist/index.js';
import { runChecks } from './checks.mjs';

export default {
  async fetch() {
    return Response.json(await runChecks(core));
  },
};

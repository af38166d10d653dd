// `@auth/core/adapter`: what framework adapters share, so that each one only translates between
// its framework and the policy. Application code does not need this entry point.
export {
  assertPolicy,
  middlewareOptions,
  pluginOptions,
  upgradeOptions,
  validateProtect,
  type MiddlewareSettings,
  type PluginSettings,
  type UpgradeSettings,
} from './adapter-options.js';
export { AuthStates, type AuthenticateSettings, type AuthState, type AuthStatesOptions } from './adapter-state.js';
// The answer of a synchronous step that could not decide: take the asynchronous path.
export { PENDING, type Pending } from './policy.js';

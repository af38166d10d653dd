import { isBrandedAuthContext } from '../brand.js';
import type { AuthContext } from '../context.js';
import { requestContext, type RequestContext } from '../request.js';
import { maskSecret } from '../secret.js';

export interface ApprovalRequestInit {
  readonly action: string;
  readonly argumentsHash: string;
  readonly token: string;
  readonly auth?: AuthContext | null;
  /** Defaults to `{ source: 'http', entrypoint: 'server' }`; always stored frozen. */
  readonly context?: Partial<RequestContext>;
}

const HASH = /^sha256:[0-9a-f]{64}$/;

/**
 * What an {@link ActionApproval} hook receives for a protected action: the action, the hash of its
 * exact arguments, the submitted approval token, the caller and where the call came from.
 * The token is masked in `inspect` and `JSON.stringify`.
 *
 * @example
 * const approve: ActionApproval = async (request) =>
 *   request.action === 'transfer' && (await tokens.consume(request.token, request.argumentsHash));
 */
export class ApprovalRequest {
  readonly action: string;
  readonly argumentsHash: string;
  readonly token: string;
  readonly auth: AuthContext | null;
  readonly context: RequestContext;

  constructor(init: ApprovalRequestInit) {
    if (typeof init !== 'object' || init === null) throw new TypeError('ApprovalRequest: init must be an object');
    if (typeof init.action !== 'string' || init.action === '') throw new TypeError('ApprovalRequest: action must be a non-empty string');
    if (typeof init.argumentsHash !== 'string' || !HASH.test(init.argumentsHash)) {
      throw new TypeError("ApprovalRequest: argumentsHash must be 'sha256:' and 64 lowercase hex digits");
    }
    if (typeof init.token !== 'string' || init.token === '') throw new TypeError('ApprovalRequest: token must be a non-empty string');
    const auth = init.auth ?? null;
    if (auth !== null && !isBrandedAuthContext(auth)) throw new TypeError('ApprovalRequest: auth must be an AuthContext or null');
    this.action = init.action;
    this.argumentsHash = init.argumentsHash;
    this.token = init.token;
    this.auth = auth;
    this.context = requestContext(init.context);
    Object.defineProperty(this, 'token', { enumerable: false });
    Object.freeze(this);
  }

  toJSON(): Record<string, unknown> {
    // The token is a bearer secret: not even a tail of it is serialised.
    return { action: this.action, argumentsHash: this.argumentsHash, token: maskSecret(this.token, 0), auth: this.auth, context: this.context };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ApprovalRequest ${JSON.stringify(this.toJSON())}`;
  }
}

/** Approval hook: return exactly `true` to allow the call; anything else denies it. */
export type ActionApproval = (request: ApprovalRequest) => Promise<boolean>;

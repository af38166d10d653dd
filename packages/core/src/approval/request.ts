import type { AuthContext } from '../context.js';
import type { RequestContext } from '../request.js';
import { maskSecret } from '../secret.js';

export interface ApprovalRequestInit {
  readonly action: string;
  readonly argumentsHash: string;
  readonly token: string;
  readonly auth?: AuthContext | null;
  readonly context: RequestContext;
}

/**
 * What an {@link ActionApproval} hook receives for a protected action: the action, the hash of its
 * exact arguments, the submitted approval token, the caller and where the call came from.
 * The token is masked in `inspect` and `JSON.stringify`.
 */
export class ApprovalRequest {
  readonly action: string;
  readonly argumentsHash: string;
  readonly token: string;
  readonly auth: AuthContext | null;
  readonly context: RequestContext;

  constructor(init: ApprovalRequestInit) {
    this.action = init.action;
    this.argumentsHash = init.argumentsHash;
    this.token = init.token;
    this.auth = init.auth ?? null;
    this.context = init.context;
    Object.defineProperty(this, 'token', { enumerable: false });
    Object.freeze(this);
  }

  toJSON(): Record<string, unknown> {
    return { action: this.action, argumentsHash: this.argumentsHash, token: maskSecret(this.token), auth: this.auth, context: this.context };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ApprovalRequest ${JSON.stringify(this.toJSON())}`;
  }
}

/** Approval hook: return exactly `true` to allow the call; anything else denies it. */
export type ActionApproval = (request: ApprovalRequest) => Promise<boolean>;

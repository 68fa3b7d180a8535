import type { AuthContext, KeyboardAuthContext, PublicKeyAuthContext } from 'ssh2';
import { auditEvents } from '../core/audit-events.js';
import type { AuthMethod } from '../core/audit-payloads.js';
import type { Auditor } from '../core/auditor.js';
import type { Clock } from '../core/clock.js';
import { actorOf, parseLogin, type Choice, type LoginOutcome } from '../core/login.js';
import { fingerprintOfBlob } from '../keys/public-key.js';
import type { Logger } from '../logging/logger.js';
import { decideKeyProbe, decideLogin, type LoginDenialReason } from '../session/login-decision.js';
import { NDA_AGREEMENT, NDA_PROMPT, messages, ndaText } from '../core/user-messages.js';
import type { AccessGate } from '../session/ports.js';
import type { AuthRefusals } from './auth-refusals.js';
import type { SignoffScope } from '../core/scope-signoff.js';
import { verifyUserSignature } from './user-signature.js';

export interface AuthDeps {
  readonly gate: AccessGate;
  readonly auditor: Auditor;
  /** Where refused attempts go: bounded, then written or counted per source (bastion-wide). */
  readonly refusals: AuthRefusals;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxAuthTries: number;
  readonly remoteAddr: string;
  /** How users reach the bastion, for the "run ssh -t …" hint (host name or address). */
  readonly hostLabel: string;
  sendBanner(text: string): void;
  disconnect(): void;
  /**
   * The login is decided (signature verified, access allowed, NDA acknowledged) and only its
   * auth.success audit write is left: the connection may start work the session will need.
   */
  onDecided?(outcome: LoginOutcome): void;
}

/**
 * The `authentication` listener of one connection: publickey, then keyboard-interactive only for
 * a due NDA acknowledgement. An unsigned key probe is answered on the user and the key alone
 * (decideKeyProbe: PK_OK when the key is one of the user's keys); targets, grants, NDAs and a
 * disabled user are decided only once the signature is verified (decideLogin), so a public key
 * alone tells nobody which `user+target` names have a grant.
 *
 * Failed attempts go to `refusals` once per connection and (fingerprint, reason): OpenSSH probes
 * each offered key without a signature first and never signs a key the server refused, so a
 * refused probe is the only trace of an unknown user or key. maxAuthTries bounds them per
 * connection; AuthRefusals bounds their text and sums up repeats from one source.
 */
export function createAuthenticator(
  deps: AuthDeps,
  onSuccess: (outcome: LoginOutcome) => void,
): (ctx: AuthContext) => void {
  const auth = new Authenticator(deps, onSuccess);
  return (ctx) => auth.handle(ctx);
}

type Method = 'publickey' | 'keyboard-interactive';
type FailureReason = LoginDenialReason | 'nda.not_acknowledged';

class Authenticator {
  private failures = 0;
  private readonly audited = new Set<string>();
  /** A login whose NDA and scope acknowledgement is due (keyboard-interactive comes next). */
  private pending: { outcome: LoginOutcome; choice: Choice; scope: SignoffScope } | null = null;

  constructor(
    private readonly deps: AuthDeps,
    private readonly onSuccess: (outcome: LoginOutcome) => void,
  ) {}

  private get log(): Logger {
    return this.deps.logger;
  }

  handle(ctx: AuthContext): void {
    ctx.on('abort', () => this.log.debug('authentication aborted by client'));
    if (ctx.method === 'publickey') {
      this.onPublicKey(ctx).catch((err: unknown) => {
        this.log.error({ err }, 'authentication failed with an error');
        ctx.reject(['publickey']);
      });
    } else if (ctx.method === 'keyboard-interactive') {
      this.onKeyboard(ctx);
    } else {
      // 'none' (the client asking what is offered) is not a failed attempt.
      if (ctx.method !== 'none') this.failures += 1;
      const due = this.pending !== null;
      ctx.reject(due ? ['keyboard-interactive'] : ['publickey'], due);
    }
  }

  private fail(ctx: AuthContext, methods: Method[], partial = false): void {
    this.failures += 1;
    ctx.reject(methods, partial);
    if (this.failures >= this.deps.maxAuthTries) {
      this.log.info({ failures: this.failures }, 'too many authentication failures');
      this.deps.disconnect();
    }
  }

  /** Reports a refused attempt once per (fingerprint, reason) and rejects it. */
  private refuse(
    ctx: AuthContext,
    login: string,
    fingerprint: string | null,
    reason: FailureReason,
    methods: Method[] = ['publickey'],
    partial = false,
  ): void {
    const key = `${fingerprint ?? ''}|${reason}`;
    if (!this.audited.has(key)) {
      this.audited.add(key);
      this.deps.refusals.refused(
        { login, fingerprint, reason, remoteAddr: this.deps.remoteAddr },
        this.log,
      );
    }
    this.fail(ctx, methods, partial);
  }

  private succeed(ctx: AuthContext, outcome: LoginOutcome, method: AuthMethod): void {
    this.deps.onDecided?.(outcome);
    const payload = {
      user: outcome.userName,
      target: outcome.requestedTarget,
      fingerprint: outcome.fingerprint,
      method,
      grantIds: outcome.choices.map((c) => c.grant.id),
      remoteAddr: this.deps.remoteAddr,
    };
    this.deps.auditor
      .record(auditEvents.authSuccess(payload), actorOf(outcome.userName))
      .then(() => {
        this.onSuccess(outcome);
        ctx.accept();
      })
      .catch((err: unknown) => {
        this.log.error({ err }, 'audit write failed; refusing login');
        ctx.reject(['publickey']);
      });
  }

  private async onPublicKey(ctx: PublicKeyAuthContext): Promise<void> {
    const fingerprint = fingerprintOfBlob(ctx.key.data);
    const login = parseLogin(ctx.username);
    if (!login.ok) return this.refuse(ctx, ctx.username, fingerprint, 'login.invalid');
    if (ctx.signature === undefined) {
      const owner = await decideKeyProbe(this.deps.gate, login.user, fingerprint);
      if (!owner.ok) return this.refuse(ctx, ctx.username, fingerprint, owner.reason);
      ctx.accept(); // PK_OK only: the client must now prove it holds the key
      return;
    }
    if (!signatureValid(ctx)) {
      return this.refuse(ctx, ctx.username, fingerprint, 'signature.invalid');
    }
    const now = this.deps.clock.now();
    const decision = await decideLogin(this.deps.gate, login, fingerprint, now);
    if (!decision.ok) return this.refuse(ctx, ctx.username, fingerprint, decision.reason);
    const outcome: LoginOutcome = {
      login: ctx.username,
      userName: login.user,
      requestedTarget: login.target,
      fingerprint,
      choices: decision.choices,
      ndaJustAcknowledged: false,
    };
    const [only] = decision.choices;
    if (
      decision.choices.length === 1 &&
      only !== undefined &&
      only.grant.ndaAcknowledgedAt === null
    ) {
      const signoff = await this.deps.gate.prepareNdaSignoff(
        only.grant.id,
        now,
        actorOf(login.user),
      );
      if (!signoff.carried) {
        this.pending = { outcome, choice: only, scope: signoff.scope };
        this.deps.sendBanner(messages.ndaRequiredBatch(ctx.username, this.deps.hostLabel));
        this.log.info({ grantId: only.grant.id }, 'nda acknowledgement due');
        ctx.reject(['keyboard-interactive'], true);
        return;
      }
      this.log.info({ grantId: only.grant.id }, 'nda acknowledgement carried over');
    }
    this.succeed(ctx, outcome, 'publickey');
  }

  private onKeyboard(ctx: KeyboardAuthContext): void {
    const due = this.pending;
    if (due === null) {
      this.fail(ctx, ['publickey']);
      return;
    }
    const { choice, outcome } = due;
    const instructions = ndaText(due.scope);
    const prompts = [{ prompt: NDA_PROMPT, echo: true }];
    ctx.prompt(prompts, 'NDA acknowledgement', instructions, (answers: string[] | Error) => {
      if (answers instanceof Error) return;
      if (answers[0] !== NDA_AGREEMENT) {
        this.refuse(
          ctx,
          outcome.login,
          outcome.fingerprint,
          'nda.not_acknowledged',
          ['keyboard-interactive'],
          true,
        );
        return;
      }
      this.deps.gate
        .acknowledgeNda(choice.grant.id, this.deps.clock.now(), actorOf(outcome.userName))
        .then(() => {
          this.pending = null;
          this.succeed(
            ctx,
            { ...outcome, ndaJustAcknowledged: true },
            'publickey+keyboard-interactive',
          );
        })
        .catch((err: unknown) => {
          this.log.warn({ err }, 'nda acknowledgement refused');
          this.fail(ctx, ['publickey']);
        });
    });
  }
}

function signatureValid(ctx: PublicKeyAuthContext): boolean {
  if (ctx.signature === undefined) return false;
  return verifyUserSignature({
    algo: ctx.key.algo,
    keyBlob: ctx.key.data,
    blob: ctx.blob,
    signature: ctx.signature,
    hashAlgo: ctx.hashAlgo,
  });
}

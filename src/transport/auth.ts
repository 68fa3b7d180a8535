import type { AuthContext, KeyboardAuthContext, PublicKeyAuthContext } from 'ssh2';
import { auditEvents } from '../core/audit-events.js';
import type { AuthMethod } from '../core/audit-payloads.js';
import type { Auditor } from '../core/auditor.js';
import type { Clock } from '../core/clock.js';
import { actorOf, parseLogin, type Choice, type LoginOutcome } from '../core/login.js';
import { fingerprintOfBlob } from '../keys/public-key.js';
import type { Logger } from '../logging/logger.js';
import { ProbeDecisions } from './auth-probe-decision.js';
import { decideLogin, type LoginDenialReason } from '../session/login-decision.js';
import { NDA_AGREEMENT, NDA_PROMPT, messages, ndaText } from '../core/user-messages.js';
import type { AccessGate } from '../session/ports.js';
import { verifyUserSignature } from './user-signature.js';

export interface AuthDeps {
  readonly gate: AccessGate;
  readonly auditor: Auditor;
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
 * The `authentication` listener of one connection: publickey (signature verified here, then
 * decideAccess; a signed attempt right after its probe takes the probe's decision, see
 * auth-probe-decision.ts), then keyboard-interactive only for a due NDA acknowledgement.
 *
 * Failed attempts are audited once per connection and (fingerprint, reason): OpenSSH probes each
 * offered key without a signature first and never signs a key the server refused, so a refused
 * probe is the only trace of an unknown user or key. maxAuthTries bounds the rows per connection.
 */
export function createAuthenticator(
  deps: AuthDeps,
  onSuccess: (outcome: LoginOutcome) => void,
): (ctx: AuthContext) => void {
  let failures = 0;
  const audited = new Set<string>();
  let pending: { outcome: LoginOutcome; choice: Choice } | null = null;
  const probes = new ProbeDecisions();
  const log = deps.logger;

  const fail = (
    ctx: AuthContext,
    methods: ('publickey' | 'keyboard-interactive')[],
    partial = false,
  ): void => {
    failures += 1;
    ctx.reject(methods, partial);
    if (failures >= deps.maxAuthTries) {
      log.info({ failures }, 'too many authentication failures');
      deps.disconnect();
    }
  };

  const auditFailure = (
    login: string,
    fingerprint: string | null,
    reason: LoginDenialReason | 'nda.not_acknowledged',
  ): void => {
    const key = `${fingerprint ?? ''}|${reason}`;
    if (audited.has(key)) return;
    audited.add(key);
    const parsed = parseLogin(login);
    const payload = {
      login,
      user: parsed.ok ? parsed.user : null,
      target: parsed.ok ? parsed.target : null,
      fingerprint,
      reason,
      remoteAddr: deps.remoteAddr,
    };
    log.info({ reason, fingerprint }, 'authentication refused');
    void deps.auditor.record(
      auditEvents.authFailure(payload),
      parsed.ok ? actorOf(parsed.user) : 'ssh:unknown',
    );
  };

  const succeed = (ctx: AuthContext, outcome: LoginOutcome, method: AuthMethod): void => {
    deps.onDecided?.(outcome);
    const payload = {
      user: outcome.userName,
      target: outcome.requestedTarget,
      fingerprint: outcome.fingerprint,
      method,
      grantIds: outcome.choices.map((c) => c.grant.id),
      remoteAddr: deps.remoteAddr,
    };
    deps.auditor
      .record(auditEvents.authSuccess(payload), actorOf(outcome.userName))
      .then(() => {
        onSuccess(outcome);
        ctx.accept();
      })
      .catch((err: unknown) => {
        log.error({ err }, 'audit write failed; refusing login');
        ctx.reject(['publickey']);
      });
  };

  const onPublicKey = async (ctx: PublicKeyAuthContext): Promise<void> => {
    const fingerprint = fingerprintOfBlob(ctx.key.data);
    const login = parseLogin(ctx.username);
    if (!login.ok) {
      auditFailure(ctx.username, fingerprint, 'login.invalid');
      fail(ctx, ['publickey']);
      return;
    }
    if (ctx.signature !== undefined) {
      const valid = verifyUserSignature({
        algo: ctx.key.algo,
        keyBlob: ctx.key.data,
        blob: ctx.blob,
        signature: ctx.signature,
        hashAlgo: ctx.hashAlgo,
      });
      if (!valid) {
        auditFailure(ctx.username, fingerprint, 'signature.invalid');
        fail(ctx, ['publickey']);
        return;
      }
    }
    const now = deps.clock.now();
    const probed = ctx.signature === undefined ? null : probes.take(ctx.username, fingerprint, now);
    const decision = probed ?? (await decideLogin(deps.gate, login, fingerprint, now));
    if (!decision.ok) {
      auditFailure(ctx.username, fingerprint, decision.reason);
      fail(ctx, ['publickey']);
      return;
    }
    if (ctx.signature === undefined) {
      probes.remember(ctx.username, fingerprint, now, decision);
      ctx.accept(); // PK_OK only: the client must now prove it holds the key
      return;
    }
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
      pending = { outcome, choice: only };
      deps.sendBanner(messages.ndaRequiredBatch(ctx.username, deps.hostLabel));
      log.info({ grantId: only.grant.id }, 'nda acknowledgement due');
      ctx.reject(['keyboard-interactive'], true);
      return;
    }
    succeed(ctx, outcome, 'publickey');
  };

  const onKeyboard = (ctx: KeyboardAuthContext): void => {
    const due = pending;
    if (due === null) {
      fail(ctx, ['publickey']);
      return;
    }
    const { choice } = due;
    const instructions = ndaText(choice.nda, choice.target, choice.grant);
    ctx.prompt(
      [{ prompt: NDA_PROMPT, echo: true }],
      'NDA acknowledgement',
      instructions,
      (answers: string[] | Error) => {
        if (answers instanceof Error) return;
        if (answers[0] !== NDA_AGREEMENT) {
          auditFailure(due.outcome.login, due.outcome.fingerprint, 'nda.not_acknowledged');
          fail(ctx, ['keyboard-interactive'], true);
          return;
        }
        const actor = actorOf(due.outcome.userName);
        deps.gate
          .acknowledgeNda(choice.grant.id, deps.clock.now(), actor)
          .then(() => {
            pending = null;
            succeed(
              ctx,
              { ...due.outcome, ndaJustAcknowledged: true },
              'publickey+keyboard-interactive',
            );
          })
          .catch((err: unknown) => {
            log.warn({ err }, 'nda acknowledgement refused');
            fail(ctx, ['publickey']);
          });
      },
    );
  };

  return (ctx: AuthContext): void => {
    ctx.on('abort', () => log.debug('authentication aborted by client'));
    if (ctx.method === 'publickey') {
      onPublicKey(ctx).catch((err: unknown) => {
        log.error({ err }, 'authentication failed with an error');
        ctx.reject(['publickey']);
      });
    } else if (ctx.method === 'keyboard-interactive') {
      onKeyboard(ctx);
    } else {
      // 'none' (the client asking what is offered) is not a failed attempt.
      if (ctx.method !== 'none') failures += 1;
      ctx.reject(pending === null ? ['publickey'] : ['keyboard-interactive'], pending !== null);
    }
  };
}

import type { Command } from 'commander';
import { auditEvents } from '../core/audit-events.js';
import { ensureKeyPair, generateEd25519, installKeyPair } from '../keys/key-files.js';
import { retireHostPublicKey } from '../keys/keyring.js';
import { parsePublicKey } from '../keys/public-key.js';
import { readSigningKey, signingKeyFromOpenSsh } from '../keys/signing-key.js';
import type { CliContext } from './context.js';
import { printJson, printLine } from './output.js';
import { writeCliCheckpoint } from './write-checkpoint.js';

export function register(program: Command, ctx: CliContext): void {
  const keys = program
    .command('keys')
    .description(
      "print the bastion's public key line for the targets' authorized_keys (generated on first use)",
    )
    .action(async () => {
      const config = await ctx.loadConfig();
      const pair = await ensureKeyPair(config.ssh.clientKeyPath);
      const parsed = parsePublicKey(pair.publicLine);
      const fingerprint = parsed.ok ? parsed.key.fingerprint : null;
      if (ctx.options().json) {
        printJson(ctx, {
          publicKey: pair.publicLine,
          fingerprint,
          path: `${config.ssh.clientKeyPath}.pub`,
          created: pair.created,
        });
      } else {
        printLine(ctx, `${pair.publicLine} gatehouse`);
      }
    });

  keys
    .command('rotate-host-key')
    .description(
      "replace the bastion's host key; the old public key stays in the keyring (<key folder>/retired/) so old recordings and checkpoints still verify",
    )
    .action(async () => {
      const rotated = await ctx.withStore(async (store, config) => {
        const hostKeyPath = config.ssh.hostKeyPath;
        const old = await readSigningKey(hostKeyPath);
        // The head as it stands, signed with the old key: the last thing that key vouches for.
        await writeCliCheckpoint(store, config, old, ctx.clock, ctx.options().actor);
        const fresh = generateEd25519();
        const newKeyId = signingKeyFromOpenSsh(fresh).keyId;
        const retired = await retireHostPublicKey(hostKeyPath, old.publicLine, ctx.clock.now());
        await store.audit.append(
          auditEvents.bastionHostkeyRotate({
            oldKeyId: old.keyId,
            newKeyId,
            retiredPublicKey: retired,
          }),
          ctx.options().actor,
        );
        await installKeyPair(hostKeyPath, fresh);
        return { oldKeyId: old.keyId, newKeyId, retiredPublicKey: retired };
      });
      if (ctx.options().json) return printJson(ctx, rotated);
      printLine(ctx, `new host key ${rotated.newKeyId}`);
      printLine(ctx, `old host key ${rotated.oldKeyId} kept in ${rotated.retiredPublicKey}`);
      printLine(
        ctx,
        'restart gatehouse serve to use it; ssh clients will be warned of the new host key: publish its fingerprint first',
      );
    });
}

import type { Command } from 'commander';
import { GatehouseError } from '../core/errors.js';
import type { Nda, NdaId, User } from '../core/model.js';
import type { CliContext } from './context.js';
import { examples } from './help-text.js';
import { isoTime, printJson, printResult, printTable } from './output.js';
import { fileSha256, requireId, requireName, requireText, requireTime, usage } from './validate.js';

interface AddOptions {
  readonly user: string;
  readonly title: string;
  readonly ref: string;
  readonly signed: string;
  readonly expires?: string;
  readonly document?: string;
}

/** An NDA as shown: the domain object plus the user's name. */
const ndaView = (nda: Nda, users: ReadonlyMap<number, User>) => ({
  ...nda,
  user: users.get(nda.userId)?.name ?? null,
});

export function ndaState(nda: Nda, now: number): string {
  if (nda.revokedAt !== null) return 'revoked';
  if (nda.expiresAt !== null && nda.expiresAt <= now) return 'expired';
  if (nda.signedAt > now) return 'pending';
  return 'valid';
}

export function register(program: Command, ctx: CliContext): void {
  const nda = program.command('nda').description('signed NDA records that grants are tied to');

  nda
    .command('add')
    .description('record a signed NDA; prints its id')
    .addHelpText(
      'after',
      examples(
        "gatehouse nda add --user alice --title 'Acme contractor NDA v3' --ref NDA-2026-014 --signed 2026-11-01",
      ),
    )
    .requiredOption('--user <name>', 'whose NDA it is')
    .requiredOption('--title <text>', 'e.g. "Acme contractor NDA v3"')
    .requiredOption('--ref <text>', 'your reference, e.g. NDA-2026-014')
    .requiredOption('--signed <date>', 'when it was signed (ISO 8601)')
    .option('--expires <date>', 'when it ends (ISO 8601); none: no end date')
    .option('--document <file>', 'the signed document; its sha256 is stored')
    .action(async (opts: AddOptions) => {
      const userName = requireName('user', opts.user, '--user');
      const title = requireText('--title', opts.title, 200);
      const ref = requireText('--ref', opts.ref, 100);
      const signedAt = requireTime('--signed', opts.signed);
      const expiresAt = opts.expires === undefined ? null : requireTime('--expires', opts.expires);
      if (expiresAt !== null && expiresAt <= signedAt)
        throw usage('--expires: must be after --signed');
      const documentSha256 =
        opts.document === undefined ? null : await fileSha256('--document', opts.document);
      const created = await ctx.withStore(async (store) => {
        const user = await store.users.findByName(userName);
        if (user === null)
          throw new GatehouseError('not_found', `--user: no user named ${userName}`);
        const added = await store.ndas.add(
          { userName, title, ref, signedAt, expiresAt, documentSha256 },
          ctx.options().actor,
        );
        return ndaView(added, new Map([[user.id, user]]));
      });
      printResult(ctx, created, () => String(created.id));
    });

  nda
    .command('list')
    .description('list NDAs')
    .option('--user <name>', 'only this user')
    .action(async (opts: { readonly user?: string }) => {
      const userName =
        opts.user === undefined ? undefined : requireName('user', opts.user, '--user');
      const views = await ctx.withStore(async (store) => {
        if (userName !== undefined && (await store.users.findByName(userName)) === null) {
          throw new GatehouseError('not_found', `--user: no user named ${userName}`);
        }
        const users = new Map((await store.users.list()).map((u) => [u.id as number, u]));
        const list = await store.ndas.list(userName === undefined ? {} : { userName });
        return list.map((n) => ndaView(n, users));
      });
      if (ctx.options().json) return printJson(ctx, views);
      const now = ctx.clock.now();
      printTable(
        ctx,
        ['ID', 'USER', 'REF', 'SIGNED', 'EXPIRES', 'STATE', 'TITLE'],
        views.map((n) => [
          String(n.id),
          n.user ?? '?',
          n.ref,
          isoTime(n.signedAt),
          isoTime(n.expiresAt),
          ndaState(n, now),
          n.title,
        ]),
      );
    });

  nda
    .command('revoke')
    .description('revoke an NDA: its grants stop at once')
    .argument('<id>', 'NDA id')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .action(async (idText: string, opts: { readonly reason: string }) => {
      const id = requireId('NDA id', idText) as NdaId;
      const reason = requireText('--reason', opts.reason);
      const revoked = await ctx.withStore(async (store) => {
        const existing = await store.ndas.get(id);
        if (existing === null) throw new GatehouseError('not_found', `nda: no NDA with id ${id}`);
        if (existing.revokedAt !== null) {
          throw new GatehouseError(
            'conflict',
            `nda: NDA ${id} was already revoked at ${isoTime(existing.revokedAt)}`,
          );
        }
        const users = new Map((await store.users.list()).map((u) => [u.id as number, u]));
        return ndaView(await store.ndas.revoke(id, reason, ctx.options().actor), users);
      });
      printResult(ctx, revoked, () => `revoked NDA ${id}`);
    });
}

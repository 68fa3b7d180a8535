import type { Command } from 'commander';
import { GatehouseError } from '../core/errors.js';
import type { User, UserKey } from '../core/model.js';
import type { Store } from '../core/ports.js';
import type { PublicKey } from '../keys/public-key.js';
import type { CliContext } from './context.js';
import { examples } from './help-text.js';
import { isoTime, printJson, printLine, printResult, printTable } from './output.js';
import { keyFromOptions, requireFingerprint, requireName } from './validate.js';

interface KeyOptions {
  readonly key?: string;
  readonly keyFile?: string;
}

const newKey = (k: PublicKey) => ({
  algorithm: k.algorithm,
  blob: k.blob,
  fingerprint: k.fingerprint,
  comment: k.comment,
});

/** A key as shown: no blob (the fingerprint identifies it), the id for reference. */
const keyView = (k: UserKey) => ({
  id: k.id,
  userId: k.userId,
  algorithm: k.algorithm,
  fingerprint: k.fingerprint,
  comment: k.comment,
  createdAt: k.createdAt,
});

async function userView(store: Store, user: User) {
  return { ...user, keys: (await store.users.keys(user.id)).map(keyView) };
}

async function mustFind(store: Store, name: string): Promise<User> {
  const user = await store.users.findByName(name);
  if (user === null) throw new GatehouseError('not_found', `user: no user named ${name}`);
  return user;
}

export function register(program: Command, ctx: CliContext): void {
  const user = program.command('user').description('contractors and their SSH keys');

  user
    .command('add')
    .description('create a user with their first public key')
    .addHelpText('after', examples('gatehouse user add alice --key-file alice.pub'))
    .argument('<name>', 'user name: ^[a-z][a-z0-9._-]{0,63}$')
    .option('--key <line>', "public key line, e.g. 'ssh-ed25519 AAAA... comment'")
    .option('--key-file <file>', 'file holding the public key (the .pub file)')
    .action(async (name: string, opts: KeyOptions) => {
      requireName('user', name);
      const key = await keyFromOptions(opts);
      const created = await ctx.withStore(async (store) => {
        const u = await store.users.add(name, newKey(key), ctx.options().actor);
        return userView(store, u);
      });
      printResult(ctx, created, () => String(created.id));
    });

  user
    .command('list')
    .description('list users')
    .action(async () => {
      const views = await ctx.withStore(async (store) =>
        Promise.all((await store.users.list()).map((u) => userView(store, u))),
      );
      if (ctx.options().json) return printJson(ctx, views);
      printTable(
        ctx,
        ['ID', 'NAME', 'STATE', 'KEYS', 'CREATED'],
        views.map((u) => [
          String(u.id),
          u.name,
          u.disabled ? 'disabled' : 'enabled',
          String(u.keys.length),
          isoTime(u.createdAt),
        ]),
      );
    });

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(verb)
      .description(
        disabled ? 'refuse every login of the user (grants are kept)' : 'allow logins again',
      )
      .argument('<name>')
      .action(async (name: string) => {
        requireName('user', name);
        const updated = await ctx.withStore(async (store) => {
          await mustFind(store, name);
          return userView(
            store,
            await store.users.setDisabled(name, disabled, ctx.options().actor),
          );
        });
        printResult(ctx, updated, () => `${verb}d ${name}`);
      });
  }

  const key = user.command('key').description("a user's public keys");
  key
    .command('add')
    .description('add another public key; prints its fingerprint')
    .argument('<name>')
    .option('--key <line>', 'public key line')
    .option('--key-file <file>', 'file holding the public key')
    .action(async (name: string, opts: KeyOptions) => {
      requireName('user', name);
      const pk = await keyFromOptions(opts);
      const added = await ctx.withStore(async (store) => {
        await mustFind(store, name);
        return keyView(await store.users.addKey(name, newKey(pk), ctx.options().actor));
      });
      printResult(ctx, added, () => added.fingerprint);
    });

  key
    .command('remove')
    .description('remove a key by its fingerprint')
    .argument('<name>')
    .argument('<fingerprint>', 'SHA256:... as listed by `user list --json` or ssh-keygen -l')
    .action(async (name: string, fingerprint: string) => {
      requireName('user', name);
      requireFingerprint('fingerprint', fingerprint);
      await ctx.withStore(async (store) => {
        await mustFind(store, name);
        await store.users.removeKey(name, fingerprint, ctx.options().actor);
      });
      if (ctx.options().json) printJson(ctx, { user: name, fingerprint, removed: true });
      else printLine(ctx, `removed ${fingerprint} from ${name}`);
    });
}

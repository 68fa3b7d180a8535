import { benchLogin } from './bench-account.js';
import { BENCH_USER, setupGatehouse, TARGET_NAME, type GatehouseSetup } from './gatehouse.js';
import { cleanShellWrapper, startSshd, type Sshd } from './sshd.js';
import { writeSshConfig, type SshPaths } from './ssh-paths.js';

export interface LoginFixture {
  readonly login: string;
  readonly target: Sshd;
  readonly setup: GatehouseSetup;
  /** `direct` and `gatehouse` reach the target (there is no jump host: `jump` is direct too). */
  readonly paths: SshPaths;
}

/**
 * For the login benches: a clean-shell target sshd (stopped through `stoppers`) and gatehouse's
 * config and database seeded for it, in `base`. Gatehouse itself is started by the caller.
 */
export async function loginFixture(
  base: string,
  repoRoot: string,
  log: (line: string) => void,
  stoppers: (() => Promise<unknown>)[],
): Promise<LoginFixture> {
  const login = await benchLogin(base, log);
  const target = await startSshd(base, 'target', login, [
    `ForceCommand ${await cleanShellWrapper(base)}`,
  ]);
  stoppers.push(() => target.stop());
  const setup = await setupGatehouse(repoRoot, base, target);
  await target.authorize(setup.user.publicLine);
  const ports = { target: target.port, jump: target.port, gatehouse: setup.port };
  const paths = await writeSshConfig(
    base,
    ports,
    target.login,
    `${BENCH_USER}+${TARGET_NAME}`,
    setup.user.privatePath,
    null,
  );
  return { login, target, setup, paths };
}

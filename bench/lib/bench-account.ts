import { chmod } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { mustRun, run } from './proc.js';

/** The target account the clean-shell bench logs in as (created when running as root). */
export const BENCH_ACCOUNT = 'gatehouse-bench';

/**
 * The login for the target and jump sshd. Debian's bash sources ~/.bashrc for *every* command
 * sshd runs (SSH_SOURCE_BASHRC), ForceCommand included, so an account with a heavy ~/.bashrc
 * (root's here runs `pyenv init`: 0.5 s per login) swamps every connect and login figure. A
 * dedicated account whose shell is /bin/sh gives all three paths the same cheap target work.
 * Not root: the current user (sshd can only log in as itself), with the caveat printed.
 */
export async function benchLogin(baseDir: string, log: (line: string) => void): Promise<string> {
  const me = userInfo();
  if (me.uid !== 0) {
    log(
      `not root: logging in to the target as ${me.username} (shell ${me.shell ?? '?'}); its dotfiles count in every path`,
    );
    return me.username;
  }
  if ((await run('id', ['-u', BENCH_ACCOUNT])).code !== 0) {
    await mustRun('useradd', [
      '--system',
      '--shell',
      '/bin/sh',
      '--home-dir',
      '/nonexistent',
      '--no-create-home',
      BENCH_ACCOUNT,
    ]);
  }
  // '*' = no password, not locked: sshd without PAM refuses locked ('!') accounts, even for keys.
  await mustRun('usermod', ['--password', '*', BENCH_ACCOUNT]);
  // usermod refuses a new home while another bench run is logged in as the account; sshd then
  // only warns that it cannot chdir (every path alike), so that run's home is left as it is.
  if ((await run('usermod', ['--home', baseDir, BENCH_ACCOUNT])).code !== 0)
    log(`${BENCH_ACCOUNT} is in use by another bench run: its home directory stays as it was`);
  await chmod(baseDir, 0o755); // the account reads the data file and the ForceCommand wrapper here
  return BENCH_ACCOUNT;
}

/**
 * Fail closed where a command target cannot be confined: the probe that doctor and every session
 * start run, in a gatehouse that may not switch accounts (no CAP_SETUID/CAP_SETGID), as a
 * non-root install without the unit's capabilities would be.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkConfinement } from '../../src/targets/confinement-probe.js';
import { DEFAULT_PROGRAM_LIMITS, RUN_AS, runAsAccount } from '../helpers/run-as.js';

const run = promisify(execFile);
const PROBE = path.resolve(import.meta.dirname, '../../dist/targets/confinement-probe.js');
const nobody = { name: 'nobody', uid: 65534, gid: 65534, groups: [65534], home: '/nonexistent' };

describe('checkConfinement', () => {
  it('passes where gatehouse may switch to the account and create its namespaces', async () => {
    const account = runAsAccount();
    expect(
      await checkConfinement(
        {
          name: RUN_AS,
          uid: account.uid,
          gid: account.gid,
          groups: [account.gid, account.groupGid],
          home: account.home,
        },
        DEFAULT_PROGRAM_LIMITS,
      ),
    ).toEqual({ ok: true });
  });

  it('fails, saying why, in a gatehouse without CAP_SETUID/CAP_SETGID', async () => {
    const account = runAsAccount();
    const script = `const { checkConfinement } = await import(${JSON.stringify(PROBE)});
      process.stdout.write(JSON.stringify(await checkConfinement(${JSON.stringify(nobody)}, ${JSON.stringify(DEFAULT_PROGRAM_LIMITS)})));`;
    const { stdout } = await run('setpriv', [
      `--reuid=${account.uid}`,
      `--regid=${account.gid}`,
      '--clear-groups',
      '--inh-caps=-all',
      '--',
      process.execPath,
      '--input-type=module',
      '-e',
      script,
    ]);
    const result = JSON.parse(stdout) as { ok: boolean; message?: string };
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(
      /^cannot confine a program as nobody: setpriv: setres[ug]id failed: Operation not permitted \(gatehouse needs CAP_SETUID and CAP_SETGID, setpriv and unshare from util-linux, and user namespaces; see the README\)$/,
    );
  });
});

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { main, type MainOptions } from '../../src/cli/main.js';
import { tempDir } from '../helpers/tmp.js';

const execFileP = promisify(execFile);
export const BIN = path.resolve(import.meta.dirname, '../../bin/gatehouse.js');

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Cli {
  readonly dir: string;
  readonly configPath: string;
  readonly dbPath: string;
  /** `gatehouse --config <temp> ...args`, in-process. */
  run(...args: string[]): Promise<Run>;
  /**
   * Like run, by `person` through sudo where no audit login uid is set (a container): SUDO_USER
   * names them, so they are the approver and the actor reports them.
   */
  runAs(person: string, ...args: string[]): Promise<Run>;
  /** Like run, with --json, expecting exit 0; returns the parsed document. */
  json<T = unknown>(...args: string[]): Promise<T>;
  /** The real bin/gatehouse.js in a child process. */
  spawn(...args: string[]): Promise<Run>;
  /** Number of audit events: a refused command must leave it unchanged. */
  auditCount(): Promise<number>;
}

/** `databaseUrl`: config `database.url` (PostgreSQL) beside the SQLite path. */
export async function makeCli(
  extraConfig = '',
  options: { readonly databaseUrl?: string } = {},
): Promise<Cli> {
  const dir = await tempDir('gatehouse-cli-');
  const configPath = path.join(dir, 'gatehouse.yaml');
  const url = options.databaseUrl === undefined ? '' : `  url: ${options.databaseUrl}\n`;
  await writeFile(
    configPath,
    `database:\n  path: data/gatehouse.db\n${url}ssh:\n  clientKeyPath: data/keys/client_ed25519_key\n  hostKeyPath: data/keys/host\n${extraConfig}`,
  );
  const unsetLoginUid = path.join(dir, 'loginuid-unset');
  await writeFile(unsetLoginUid, '4294967295');
  const runWith = async (options: MainOptions, args: string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const code = await main(
      ['--config', configPath, ...args],
      { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
      options,
    );
    return { code, stdout, stderr };
  };
  const run = (...args: string[]): Promise<Run> => runWith({}, args);
  const cli: Cli = {
    dir,
    configPath,
    dbPath: path.join(dir, 'data', 'gatehouse.db'),
    run,
    runAs: (person, ...args) =>
      runWith({ env: { ...process.env, SUDO_USER: person }, loginUidPath: unsetLoginUid }, args),
    json: async <T>(...args: string[]): Promise<T> => {
      const r = await run('--json', ...args);
      if (r.code !== 0)
        throw new Error(`gatehouse ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
    spawn: async (...args: string[]): Promise<Run> => {
      try {
        const { stdout, stderr } = await execFileP(process.execPath, [
          BIN,
          '--config',
          configPath,
          ...args,
        ]);
        return { code: 0, stdout, stderr };
      } catch (e) {
        const err = e as { code?: number; stdout?: string; stderr?: string };
        return {
          code: typeof err.code === 'number' ? err.code : -1,
          stdout: err.stdout ?? '',
          stderr: err.stderr ?? '',
        };
      }
    },
    auditCount: async () =>
      (await cli.json<unknown[]>('audit', 'list', '--limit', '1000000')).length,
  };
  return cli;
}

/** Asserts the shape every error must have: exactly one line starting `gatehouse: `. */
export function isOneLineError(r: Run): boolean {
  return /^gatehouse: [^\n]+\n$/.test(r.stderr) && r.stderr.length < 400;
}

/** A refused command: exit `code`, one line containing `message`, no output, no audit event. */
export async function expectRefusal(
  cli: Cli,
  run: () => Promise<Run>,
  code: 1 | 2,
  message: string,
): Promise<void> {
  const before = await cli.auditCount();
  const r = await run();
  expect(r.code, r.stderr).toBe(code);
  expect(isOneLineError(r), r.stderr).toBe(true);
  expect(r.stderr).toContain(message);
  expect(r.stdout).toBe('');
  expect(await cli.auditCount()).toBe(before);
}

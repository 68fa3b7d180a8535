import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The three ways to the same target, measured side by side. */
export const PATHS = ['direct', 'jump', 'gatehouse'] as const;
export type PathName = (typeof PATHS)[number];

export const perPath = <T>(make: (p: PathName) => T): Record<PathName, T> => ({
  direct: make('direct'),
  jump: make('jump'),
  gatehouse: make('gatehouse'),
});

/** `rounds` rounds, each running every path once, in a rotating order (run by run alternation). */
export async function alternate<T>(
  rounds: number,
  fn: (p: PathName) => Promise<T>,
): Promise<Record<PathName, T[]>> {
  const out = perPath<T[]>(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < PATHS.length; i++) {
      const p = PATHS[(i + r) % PATHS.length]!;
      out[p].push(await fn(p));
    }
  }
  return out;
}

export interface SshPaths {
  readonly configPath: string;
  /** argv for `ssh` to reach `path`, before the remote command. */
  args(path: PathName, extra?: readonly string[]): string[];
}

/**
 * One ssh_config with a Host alias per path. ProxyJump re-runs ssh with the same -F, so the jump
 * leg gets the same options. `cipher` forces one cipher on the client side of every leg.
 */
export async function writeSshConfig(
  dir: string,
  ports: { readonly target: number; readonly jump: number; readonly gatehouse: number },
  login: string,
  gatehouseLogin: string,
  identity: string,
  cipher: string | null,
): Promise<SshPaths> {
  const configPath = join(dir, 'ssh_config');
  const common = [
    `  IdentityFile ${identity}`,
    '  IdentitiesOnly yes',
    '  IdentityAgent none',
    '  StrictHostKeyChecking no',
    '  UserKnownHostsFile /dev/null',
    '  LogLevel ERROR',
    '  BatchMode yes',
    '  ControlMaster no',
    '  ControlPath none',
    '  ForwardAgent no',
    '  ForwardX11 no',
    '  UpdateHostKeys no',
    '  ConnectTimeout 30',
    ...(cipher === null ? [] : [`  Ciphers ${cipher}`]),
  ];
  await writeFile(
    configPath,
    [
      'Host direct',
      '  HostName 127.0.0.1',
      `  Port ${ports.target}`,
      `  User ${login}`,
      'Host jumphost',
      '  HostName 127.0.0.1',
      `  Port ${ports.jump}`,
      `  User ${login}`,
      'Host jump',
      '  HostName 127.0.0.1',
      `  Port ${ports.target}`,
      `  User ${login}`,
      '  ProxyJump jumphost',
      'Host gatehouse',
      '  HostName 127.0.0.1',
      `  Port ${ports.gatehouse}`,
      `  User ${gatehouseLogin}`,
      'Host *',
      ...common,
      '',
    ].join('\n'),
  );
  return { configPath, args: (path, extra = []) => ['-F', configPath, ...extra, path] };
}

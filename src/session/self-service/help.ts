import type { Audience } from './format.js';

/** `help`: each command with one example. */
export function helpLines(to: Audience): string[] {
  const ssh = `ssh ${to.userName}@${to.hostLabel}`;
  return [
    'gatehouse commands (run as  ssh USER@BASTION COMMAND):',
    '  request TARGET --for D --reason TEXT [--profile P | --allow PATTERN …] [--nda ID] [--wait] [--json]',
    '          [--transfer download|upload|both [--transfer-path GLOB]… [--transfer-budget SIZE]]',
    `      ${ssh} request db1 --for 2h --reason "INC-4211 slow queries"`,
    `      ${ssh} request db1 --for 1h --transfer download --transfer-path '/var/log/**' --reason "INC-4212 logs"`,
    '  request extend GRANT --for D --reason TEXT [--wait] [--json]',
    `      ${ssh} request extend 7 --for 1h --reason "still running"`,
    '  request cancel ID [--json]',
    `      ${ssh} request cancel 12`,
    '  requests [--json]           your requests and where they stand',
    `      ${ssh} requests`,
    '  grants [--json]             your active grants, time left, how to connect',
    `      ${ssh} grants`,
    '  help',
    'Durations: 90s, 45m, 2h, 1h30m, 7d. Sizes: 500MiB, 2GiB. --wait blocks until the request is decided (Ctrl-C stops waiting).',
    "--transfer asks for sftp/scp; paths and budget left out are the request rule's.",
    `Once approved:  ssh ${to.userName}+TARGET@${to.hostLabel}`,
  ];
}

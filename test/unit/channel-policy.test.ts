import { describe, expect, it } from 'vitest';
import { isFileTransferCommand, isForwardableSignal } from '../../src/core/channel-policy.js';

describe('isForwardableSignal', () => {
  it.each(['INT', 'TERM', 'HUP', 'QUIT', 'KILL', 'USR1', 'USR2'])('forwards %s', (name) =>
    expect(isForwardableSignal(name)).toBe(true),
  );
  it.each([
    'ABRT',
    'ALRM',
    'FPE',
    'ILL',
    'PIPE',
    'SEGV',
    'STOP',
    'CONT',
    'SIGINT',
    'int',
    '',
    'INT ',
  ])('refuses %j', (name) => expect(isForwardableSignal(name)).toBe(false));
});

describe('isFileTransferCommand', () => {
  it.each([
    'scp -f /etc/passwd',
    '/usr/bin/scp -t .',
    '/usr/lib/openssh/sftp-server',
    'rsync --server --sender -e.LsfxC . /etc',
    'exec /usr/lib/openssh/sftp-server',
    "'/usr/lib/openssh/sftp-server'",
    '/usr/lib/openssh/sftp-serve\\r',
    'env LC_ALL=C sftp-server -e',
    "sh -c '/usr/lib/openssh/sftp-server'",
    'nice -n 10 scp -f x',
    'true; scp -f /etc/shadow',
    'cd / && rsync --server --sender . x',
    'echo $(scp -f x)',
  ])('refuses %s', (command) => {
    expect(isFileTransferCommand(command)).toBe(true);
  });
  it.each(['ls -l /tmp', 'echo scp', 'grep sftp-server /etc/ssh/sshd_config', 'rsync --version'])(
    'lets %s through',
    (command) => {
      expect(isFileTransferCommand(command)).toBe(false);
    },
  );
});

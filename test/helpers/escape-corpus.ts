/**
 * Escape attempts against the allowlist ESCAPE_ALLOWLIST, every one of which must be refused.
 * Plain data: the unit tests check the matcher's reason, the ssh-layer tests replay the same
 * commands end to end against a real sshd (refused, nothing run on the target, one audit row).
 *
 * `clientCanSend` is false where the OpenSSH client cannot put the command on the wire (a NUL
 * cannot be in a process argument; an empty command makes `ssh` ask for a shell instead); replay
 * those through an ssh2 client.
 */
export type EscapeReason = 'empty' | 'too_long' | 'unsafe_character' | 'whitespace' | 'no_match';

export interface EscapeAttempt {
  readonly name: string;
  readonly command: string;
  readonly reason: EscapeReason;
  readonly clientCanSend: boolean;
}

export const ESCAPE_ALLOWLIST: readonly string[] = [
  'uptime',
  'df -h',
  'tail -n {int} /var/log/app.log',
  'systemctl status {word}',
];

const U = 'unsafe_character';
const N = 'no_match';
const W = 'whitespace';

const rows: readonly [string, string, EscapeReason][] = [
  // command chaining
  ['semicolon', 'uptime; id', U],
  ['semicolon, no space', 'uptime;id', U],
  ['and-and', 'uptime && id', U],
  ['or-or', 'false || uptime', U],
  ['pipe', 'df -h | sh', U],
  ['background', 'uptime & id', U],
  ['newline', 'uptime\nid', U],
  ['trailing newline', 'uptime\n', U],
  ['carriage return', 'uptime\rid', U],
  ['NUL byte', 'uptime\0id', U],
  ['vertical tab and form feed', 'uptime\v\fid', U],
  ['DEL', 'uptime\x7f', U],
  // substitution
  ['backticks', '`id`', U],
  ['backticks in an argument', 'systemctl status `id`', U],
  ['dollar-paren', '$(id)', U],
  ['dollar-paren in a number', 'tail -n $(id -u) /var/log/app.log', U],
  ['IFS expansion', 'tail${IFS}-n${IFS}5${IFS}/var/log/app.log', U],
  ['variable', 'systemctl status $USER', U],
  ['arithmetic', 'tail -n $((1+1)) /var/log/app.log', U],
  // redirection
  ['redirect out', 'uptime > /tmp/x', U],
  ['redirect out, no space', 'uptime >/etc/passwd', U],
  ['redirect in', 'df -h < /etc/shadow', U],
  ['fd duplication', 'df -h 2>&1', U],
  ['here-string', 'uptime <<< x', U],
  // quoting and escaping
  ['single-quoted words', "'df' '-h'", U],
  ['double-quoted word', '"uptime"', U],
  ['empty quotes inside a word', "up''time", U],
  ['backslash', '\\uptime', U],
  ['ANSI-C quoting', "$'\\x75ptime'", U],
  // globbing and braces
  ['glob star', 'tail -n 5 /var/log/*.log', U],
  ['brace expansion', '{uptime,id}', U],
  ['glob question mark', '/usr/bin/upti?e', U],
  ['bracket glob (sent quoted, no match)', 'tail -n 5 /var/log/app.lo[g]', N],
  ['tilde', 'tail -n 5 ~root/.ssh/id_ed25519', U],
  ['history expansion', 'systemctl status !!', U],
  // argument smuggling
  ['extra path', 'tail -n 5 /var/log/app.log /etc/shadow', N],
  ['double dash', 'tail -n 5 -- /etc/shadow', N],
  ['follow flag', 'tail -f /var/log/app.log', N],
  ['dot-dot path', 'tail -n 5 /var/log/../../etc/shadow', N],
  ['huge number', 'tail -n 99999999999999999999 /var/log/app.log', N],
  ['ten-digit number', 'tail -n 1000000000 /var/log/app.log', N],
  ['negative number', 'tail -n -5 /var/log/app.log', N],
  ['plus number', 'tail -n +5 /var/log/app.log', N],
  ['hex number', 'tail -n 0x10 /var/log/app.log', N],
  ['leading zero', 'tail -n 05 /var/log/app.log', N],
  ['option smuggled as word', 'systemctl status -H evil', N],
  ['help as word', 'systemctl status --help', N],
  ['attached option as word', 'systemctl status -Hroot@evil', N],
  ['extra option after word', 'systemctl status nginx --no-pager', N],
  ['extra df argument', 'df -h /etc', N],
  ['comment', 'uptime #x', N],
  // env prefixes
  ['LD_PRELOAD prefix', 'LD_PRELOAD=/tmp/x.so uptime', N],
  ['PATH prefix', 'PATH=/tmp uptime', N],
  ['env', 'env uptime', N],
  ['exec', 'exec uptime', N],
  ['absolute program path', '/usr/bin/uptime', N],
  // Unicode look-alikes
  ['Cyrillic u', '\u0443ptime', U],
  ['Cyrillic e', 'uptim\u0435', U],
  ['full-width letters', '\uff55\uff50\uff54\uff49\uff4d\uff45', U],
  ['full-width semicolon', 'uptime\uff1bid', U],
  ['zero-width space', 'up\u200btime', U],
  ['NBSP between words', 'df\u00a0-h', U],
  ['right-to-left override', 'uptime\u202e', U],
  ['combining accent', 'uptime\u0301', U],
  // upper case
  ['upper case', 'UPTIME', N],
  ['capitalised', 'Uptime', N],
  ['upper-case option', 'df -H', N],
  // spaces and tabs
  ['leading space', ' uptime', W],
  ['trailing space', 'uptime ', W],
  ['double space', 'df  -h', W],
  ['only spaces', '   ', W],
  ['tab between words', 'df\t-h', U],
  ['leading tab', '\tuptime', U],
  // GTFOBins-style
  ['shell after a word', 'systemctl status x;sh', U],
  ['pager escape characters', 'systemctl status x!sh', U],
  ['tail option after path', 'tail -n 1 /var/log/app.log -c 1', N],
  ['pager', 'less /var/log/app.log', N],
  ['editor', 'vi', N],
  ['bash', 'bash', N],
  ['sh -c', 'sh -c uptime', N],
  ['awk system', `awk 'BEGIN{system("sh")}'`, U],
  ['find -exec', 'find / -exec sh', N],
  ['find -exec with braces', 'find / -exec sh {} ;', U],
  ['python', 'python3 -c import pty', N],
  // limits
  ['empty', '', 'empty'],
  ['longer than 1024 bytes', `uptime${' x'.repeat(600)}`, 'too_long'],
  ['513 two-byte characters (1026 bytes)', '\u00e9'.repeat(513), 'too_long'],
];

export const ESCAPE_CORPUS: readonly EscapeAttempt[] = rows.map(([name, command, reason]) => ({
  name,
  command,
  reason,
  clientCanSend: command !== '' && !command.includes('\0'),
}));

/** What `gatehouse demo` prints once the bastion is listening: exactly what to type. */
import type { EpochMs } from '../core/model.js';
import { isoTime } from '../core/timestamp.js';
import { DEMO_USER, SANDBOX, TOOLS, TOOLS_ALLOWLIST } from './demo-seed.js';

export interface DemoInfo {
  /** The folder and key path as the user should type them (relative to the working dir when inside it). */
  readonly folder: string;
  readonly keyPath: string;
  readonly configPath: string;
  readonly cli: string;
  readonly sshHost: string;
  readonly sshPort: number;
  readonly webUrl: string | null;
  readonly hostKeyFingerprint: string;
  readonly sandboxRunsAs: string;
  readonly sandboxNote: string | null;
  readonly grantsUntil: EpochMs;
  readonly reviewer: {
    readonly name: string;
    readonly password: string | null;
    readonly linkUrl: string | null;
  };
  readonly reused: boolean;
  readonly created: readonly string[];
  /** The config has request rules (a demo folder from before them has none). */
  readonly requests: boolean;
}

export function sshLine(
  info: DemoInfo,
  target: string,
  extra: { readonly tty?: boolean; readonly command?: string } = {},
): string {
  const t = extra.tty === true ? ' -t' : '';
  const cmd = extra.command === undefined ? '' : ` ${extra.command}`;
  return `ssh${t} -i ${info.keyPath} -p ${info.sshPort} ${DEMO_USER}+${target}@${info.sshHost}${cmd}`;
}

export function demoInstructions(info: DemoInfo): string {
  const cfg = `${info.cli} --config ${info.configPath}`;
  const what = info.created.length === 0 ? 'nothing new' : info.created.join(', ');
  const lines = [
    '',
    `gatehouse demo — folder ${info.folder} (${info.reused ? 'reused' : 'created'}; this run added: ${what})`,
    `SSH bastion on ${info.sshHost}:${info.sshPort}${info.webUrl === null ? '' : `, review page on ${info.webUrl}`}. Ctrl-C stops both.`,
    `The demo grants are valid until ${isoTime(info.grantsUntil)}; run the demo again for fresh ones.`,
    '',
    `1. A recorded shell on the command target "${SANDBOX}" (bash as ${info.sandboxRunsAs}). The first time,`,
    '   gatehouse shows the demo NDA: type  I agree  and press Enter.',
    '',
    `     ${sshLine(info, SANDBOX)}`,
    '',
    `   ssh asks once whether to trust the bastion: its host key fingerprint is ${info.hostKeyFingerprint}`,
    ...(info.sandboxNote === null ? [] : [`   ${info.sandboxNote}`]),
    '',
    `2. Only allowlisted commands on "${TOOLS}" (allowed: ${TOOLS_ALLOWLIST.join(', ')}). Use -t the first time, for the NDA:`,
    '',
    `     ${sshLine(info, TOOLS, { tty: true, command: 'uptime' })}`,
    `     ${sshLine(info, TOOLS, { command: "'df -h'" })}`,
    `     ${sshLine(info, TOOLS)}      # gatehouse's restricted prompt: help, tab completion`,
    '',
    '3. Replay what was recorded:',
    '',
  ];
  if (info.webUrl !== null) {
    const login =
      info.reviewer.password === null
        ? ''
        : ` — log in as ${info.reviewer.name} / ${info.reviewer.password}`;
    lines.push(`     ${info.webUrl}${login}`);
    if (info.reviewer.linkUrl !== null)
      lines.push(`     or this one-time login link (valid 1 hour): ${info.reviewer.linkUrl}`);
  }
  lines.push(
    `     ${cfg} session list`,
    `     ${cfg} replay SESSION_ID`,
    `     ${cfg} audit list`,
    '',
  );
  if (info.requests && info.webUrl !== null) {
    const plain = `ssh -i ${info.keyPath} -p ${info.sshPort} ${DEMO_USER}@${info.sshHost}`;
    lines.push(
      `4. Ask for more access yourself (a shell on "${TOOLS}"); ${info.reviewer.name} approves it on the review page`,
      `   (Requests), then the shell works:`,
      '',
      `     ${plain} request ${TOOLS} --for 3h --reason 'try the request loop'`,
      `     ${plain} requests`,
      `     ${sshLine(info, TOOLS)}`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

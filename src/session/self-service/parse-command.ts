/**
 * The grammar of gatehouse's own commands (`ssh alice@bastion COMMAND`, issue 14):
 *
 *   request TARGET --for D --reason TEXT [--profile P | --allow PATTERN …] [--nda ID]
 *     [--transfer DIRECTION [--transfer-path GLOB]… [--transfer-budget SIZE]] [--wait] [--json]
 *   request extend GRANT --for D --reason TEXT [--wait] [--json]
 *   request cancel ID [--json]
 *   requests [--json]      grants [--json]      help
 *
 * `--reason` and `--allow` take the words up to the next option, so the unquoted
 * `--reason INC-4211 slow queries` a local shell leaves of `--reason "INC-4211 slow queries"` is one
 * reason. Everything here is about the words; rules, NDAs and grants are checked by the commands.
 */
import { validatePatterns } from '../../core/command-policy.js';
import { parseDuration } from '../../core/duration.js';
import type { GrantId, NdaId, RequestId } from '../../core/model.js';
import { checkName, quoteForMessage as q } from '../../core/names.js';
import { transferFromInput } from '../../core/transfer-input.js';
import type { TransferRights } from '../../core/transfer-rights.js';
import { splitWords, type Word } from './command-words.js';

/** Reasons end up in the audit chain, notifications and web pages. */
export const MAX_REASON_CHARS = 500;

/** What was asked for, before a profile is resolved to its patterns. */
export type AskedMode =
  | { readonly kind: 'shell' }
  | { readonly kind: 'allowlist'; readonly patterns: readonly string[] }
  | { readonly kind: 'profile'; readonly name: string };

export interface Output {
  readonly json: boolean;
}

export type SelfServiceCommand =
  | { readonly kind: 'help' }
  | ({ readonly kind: 'requests' } & Output)
  | ({ readonly kind: 'grants' } & Output)
  | ({
      readonly kind: 'request';
      readonly target: string;
      readonly durationMs: number;
      readonly reason: string;
      readonly mode: AskedMode;
      /** The file transfer asked for; path limits or a budget left out take the rule's. */
      readonly transfer: TransferRights;
      /** Whether a transfer option was typed (else a profile's rights are asked for). */
      readonly transferTyped: boolean;
      readonly ndaId: NdaId | null;
      readonly wait: boolean;
    } & Output)
  | ({
      readonly kind: 'extend';
      readonly grantId: GrantId;
      readonly durationMs: number;
      readonly reason: string;
      readonly wait: boolean;
    } & Output)
  | ({ readonly kind: 'cancel'; readonly requestId: RequestId } & Output);

export type CommandParse =
  | { readonly ok: true; readonly command: SelfServiceCommand }
  | { readonly ok: false; readonly message: string };

type Arity = 'flag' | 'one' | 'words';
const ARITY: Readonly<Record<string, Arity>> = {
  '--for': 'one',
  '--reason': 'words',
  '--profile': 'one',
  '--allow': 'words',
  '--nda': 'one',
  '--transfer': 'one',
  '--transfer-path': 'one',
  '--transfer-budget': 'one',
  '--wait': 'flag',
  '--json': 'flag',
};

const REPEATABLE = ['--allow', '--transfer-path'];

class Usage extends Error {}
const usage = (message: string): never => {
  throw new Usage(message);
};

const isOption = (w: Word): boolean => !w.quoted && w.text.startsWith('--');

interface Parsed {
  readonly positional: readonly string[];
  /** Each option given, with its values (one per use; `--allow` may repeat). */
  readonly options: ReadonlyMap<string, readonly string[]>;
}

function parseOptions(name: string, words: readonly Word[], allowed: readonly string[]): Parsed {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  let i = 0;
  while (i < words.length) {
    const word = words[i] as Word;
    i += 1;
    if (!isOption(word)) {
      positional.push(word.text);
      continue;
    }
    const option = word.text;
    const arity = ARITY[option];
    if (arity === undefined || !allowed.includes(option))
      usage(`${name}: unknown option ${q(option)}`);
    const seen = options.get(option) ?? [];
    if (seen.length > 0 && !REPEATABLE.includes(option)) usage(`${name}: ${option} is given twice`);
    let value = '';
    if (arity === 'one') {
      const next = words[i];
      if (next === undefined || isOption(next)) usage(`${name}: ${option} needs a value`);
      value = (next as Word).text;
      i += 1;
    } else if (arity === 'words') {
      const taken: string[] = [];
      while (i < words.length && !isOption(words[i] as Word)) taken.push((words[i++] as Word).text);
      if (taken.length === 0) usage(`${name}: ${option} needs a value`);
      value = taken.join(' ');
    }
    options.set(option, [...seen, value]);
  }
  return { positional, options };
}

const one = (p: Parsed, option: string): string | undefined => p.options.get(option)?.[0];
const flag = (p: Parsed, option: string): boolean => p.options.has(option);

function expectPositional(name: string, p: Parsed, labels: readonly string[]): string[] {
  const [extra] = p.positional.slice(labels.length);
  if (extra !== undefined) usage(`${name}: unexpected argument ${q(extra)}`);
  return labels.map((label, i) => p.positional[i] ?? usage(`${name}: ${label} is missing`));
}

function idOf(name: string, label: string, text: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(text)) usage(`${name}: ${label} ${q(text)} is not a number`);
  return Number(text);
}

function durationOf(name: string, p: Parsed): number {
  const text = one(p, '--for') ?? usage(`${name}: --for is missing (how long, e.g. --for 2h)`);
  const d = parseDuration(text);
  return d.ok ? d.ms : usage(`${name}: --for ${d.message}`);
}

function reasonOf(name: string, p: Parsed): string {
  const reason = (one(p, '--reason') ?? '').trim();
  if (reason === '') usage(`${name}: --reason is missing (why you need access, e.g. a ticket)`);
  const chars = Array.from(reason).length;
  if (chars > MAX_REASON_CHARS)
    usage(`${name}: --reason is ${chars} characters; at most ${MAX_REASON_CHARS}`);
  return reason;
}

function modeOf(p: Parsed): AskedMode {
  const profile = one(p, '--profile');
  const patterns = p.options.get('--allow') ?? [];
  if (profile !== undefined && patterns.length > 0)
    usage('request: give --profile or --allow, not both');
  if (profile !== undefined) return { kind: 'profile', name: profile };
  if (patterns.length === 0) return { kind: 'shell' };
  const check = validatePatterns(patterns);
  return check.ok ? { kind: 'allowlist', patterns } : usage(`request: --allow: ${check.message}`);
}

function transferOf(p: Parsed): TransferRights {
  const parsed = transferFromInput({
    direction: one(p, '--transfer'),
    paths: p.options.get('--transfer-path') ?? [],
    budget: one(p, '--transfer-budget'),
  });
  return parsed.ok ? parsed.rights : usage(`request: ${parsed.message}`);
}

const FILE_OPTIONS = [
  '--for',
  '--reason',
  '--profile',
  '--allow',
  '--nda',
  '--transfer',
  '--transfer-path',
  '--transfer-budget',
  '--wait',
  '--json',
];

function requestCommand(words: readonly Word[]): SelfServiceCommand {
  const [first, ...rest] = words;
  if (first?.text === 'cancel' && !first.quoted) {
    const p = parseOptions('request cancel', rest, ['--json']);
    const [id] = expectPositional('request cancel', p, ['the request ID']);
    return {
      kind: 'cancel',
      requestId: idOf('request cancel', 'request', id as string) as RequestId,
      json: flag(p, '--json'),
    };
  }
  if (first?.text === 'extend' && !first.quoted) {
    const name = 'request extend';
    const p = parseOptions(name, rest, ['--for', '--reason', '--wait', '--json']);
    const [id] = expectPositional(name, p, ['the grant ID']);
    return {
      kind: 'extend',
      grantId: idOf(name, 'grant', id as string) as GrantId,
      durationMs: durationOf(name, p),
      reason: reasonOf(name, p),
      wait: flag(p, '--wait'),
      json: flag(p, '--json'),
    };
  }
  const p = parseOptions('request', words, FILE_OPTIONS);
  const [target] = expectPositional('request', p, ['the TARGET']);
  const name = checkName('target', target as string);
  if (!name.ok) usage(`request: ${name.message}`);
  const nda = one(p, '--nda');
  return {
    kind: 'request',
    target: target as string,
    durationMs: durationOf('request', p),
    reason: reasonOf('request', p),
    mode: modeOf(p),
    transfer: transferOf(p),
    transferTyped: ['--transfer', '--transfer-path', '--transfer-budget'].some((o) =>
      p.options.has(o),
    ),
    ndaId: nda === undefined ? null : (idOf('request', '--nda', nda) as NdaId),
    wait: flag(p, '--wait'),
    json: flag(p, '--json'),
  };
}

function listCommand(kind: 'requests' | 'grants', words: readonly Word[]): SelfServiceCommand {
  const p = parseOptions(kind, words, ['--json']);
  expectPositional(kind, p, []);
  return { kind, json: flag(p, '--json') };
}

/** The command a plain `ssh USER@bastion COMMAND` names, or what is wrong with it (one line). */
export function parseCommand(line: string): CommandParse {
  const split = splitWords(line);
  if (!split.ok) return split;
  const [verb, ...rest] = split.words;
  try {
    switch (verb?.quoted ? undefined : verb?.text) {
      case 'request':
        return { ok: true, command: requestCommand(rest) };
      case 'requests':
      case 'grants':
        return { ok: true, command: listCommand(verb?.text as 'requests' | 'grants', rest) };
      case 'help':
        expectPositional('help', parseOptions('help', rest, []), []);
        return { ok: true, command: { kind: 'help' } };
      default:
        return {
          ok: false,
          message:
            verb === undefined
              ? 'no command given'
              : `unknown command ${q(verb.text)}: the commands are request, requests, grants and help`,
        };
    }
  } catch (e) {
    if (e instanceof Usage) return { ok: false, message: e.message };
    throw e;
  }
}

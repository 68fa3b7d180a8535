/** How `target list` and `target show` present a target. */
import type { Target } from '../core/model.js';
import { parsePublicKey } from '../keys/public-key.js';
import { isoTime } from './output.js';

/** A target as shown: the domain object plus, for ssh, the pinned key's fingerprint. */
export function targetView(t: Target) {
  if (t.kind === 'command') return { ...t, commandLine: t.command.join(' ') };
  const parsed = t.hostKey === null ? null : parsePublicKey(t.hostKey);
  return {
    ...t,
    kind: 'ssh' as const,
    hostKeyFingerprint: parsed?.ok ? parsed.key.fingerprint : null,
  };
}

/** What a list shows for a command target from before run-as existed: it is refused until set. */
export const NO_RUN_AS = 'NOT SET (refused)';

export const destination = (t: ReturnType<typeof targetView>): string =>
  t.kind === 'command'
    ? t.commandLine
    : `${t.login}@${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;

/** `target show`: a target's facts, one per line. */
export function targetPairs(view: ReturnType<typeof targetView>): (readonly [string, string])[] {
  const kindRows: (readonly [string, string])[] =
    view.kind === 'command'
      ? [
          ['env', Object.keys(view.env).sort().join(' ') || '-'],
          ['run as', view.runAs ?? NO_RUN_AS],
        ]
      : [['host key', view.hostKeyFingerprint ?? 'not pinned']];
  return [
    ['id', String(view.id)],
    ['name', view.name],
    ['kind', view.kind],
    ['destination', destination(view)],
    ...kindRows,
    ...(view.requires.length === 0
      ? [['requires', '-'] as const]
      : view.requires.map((item) => ['requires', item] as const)),
    ['created', isoTime(view.createdAt)],
  ];
}

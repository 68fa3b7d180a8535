/**
 * Config `alerts` in a session (issue 15): the recorder side of the session's one door for bytes.
 * Output (and typed input, where recorded) is matched line by line after the recorder took it,
 * with escape sequences removed (core/terminal-lines.ts); a command is matched before it runs. A
 * match is a marker in the recording and `session.flagged` (the notifier sends those of `notify`
 * and `end` rules); an `end` rule ends the session with a line that names the rule.
 */
import { isAscii } from 'node:buffer';
import { auditEvents } from '../core/audit-events.js';
import type { SessionRef } from '../core/audit-payloads.js';
import {
  alertExcerpt,
  matchingAlertRules,
  type AlertRule,
  type AlertSource,
} from '../core/alert-rules.js';
import { anyLiteralIn } from '../core/any-literal.js';
import type { EpochMs } from '../core/model.js';
import { TerminalLines } from '../core/terminal-lines.js';
import { messages } from '../core/user-messages.js';
import { Utf8StreamDecoder } from '../recording/asciicast-encoder.js';
import type { SessionTap } from '../session/ports.js';
import type { LifecycleDeps } from './lifecycle-deps.js';

export interface SessionAlerts {
  /**
   * A command about to run: each matching rule flagged; the line to refuse it and end the session
   * with when one of them says `end` (also passed to onEnd), else null.
   */
  command(text: string): string | null;
  /** Where a match of an `end` rule on output or input goes (once); before it is set, kept. */
  onEnd(end: (line: string) => void): void;
  /** The recording's door with output and input matched (the tap itself when no rule reads it). */
  readonly tap: SessionTap | null;
}

/**
 * A session that prints a matching line over and over must not grow the audit chain, the
 * recording and the outbox without bound: the first 100 matches are flagged, later ones are not
 * (an `end` rule still ends the session).
 */
const MAX_FLAGS_PER_SESSION = 100;

export function sessionAlerts(
  deps: Pick<LifecycleDeps, 'alertRules' | 'clock' | 'auditor'>,
  subject: SessionRef,
  startedAt: EpochMs,
  tap: SessionTap | null,
): SessionAlerts {
  const rules = deps.alertRules?.() ?? [];
  let ending: string | null = null;
  let endSession: ((line: string) => void) | null = null;

  let flags = 0;
  const flag = (rule: AlertRule, line: string): void => {
    if (flags === MAX_FLAGS_PER_SESSION) return;
    flags++;
    if (flags === MAX_FLAGS_PER_SESSION)
      tap?.marker(`gatehouse: ${MAX_FLAGS_PER_SESSION} alerts flagged; further matches are not`);
    const excerpt = alertExcerpt(line);
    tap?.marker(`gatehouse: alert ${rule.name} (${rule.on}): ${excerpt}`);
    const offset = tap === null ? null : Math.max(0, deps.clock.now() - startedAt) / 1000;
    const { name, on, action } = rule;
    const event = auditEvents.sessionFlagged({
      ...subject,
      rule: name,
      on,
      action,
      excerpt,
      offset,
    });
    void deps.auditor.record(event, 'gatehouse');
  };
  const matched = (on: AlertSource, line: string): AlertRule | null => {
    let ender: AlertRule | null = null;
    for (const rule of matchingAlertRules(rules, on, line)) {
      flag(rule, line);
      if (rule.action === 'end') ender ??= rule;
    }
    return ender;
  };
  const end = (line: string): string => {
    ending ??= line;
    endSession?.(line);
    return line;
  };
  const watchLine = (on: AlertSource) => (line: string) => {
    if (ending !== null) return;
    const ender = matched(on, line);
    if (ender !== null) end(messages.closedByAlert(ender.name));
  };

  return {
    command(text) {
      const ender = matched('command', text);
      return ender === null ? null : end(messages.commandRefusedByAlert(ender.name));
    },
    onEnd(end) {
      endSession = end;
      if (ending !== null) end(ending);
    },
    tap: tap === null ? null : scanningTap(tap, rules, watchLine('output'), watchLine('input')),
  };
}

/** `tap` with what it records also matched, per stream, when a rule reads that stream. */
function scanningTap(
  tap: SessionTap,
  rules: readonly AlertRule[],
  onOutputLine: (line: string) => void,
  onInputLine: (line: string) => void,
): SessionTap {
  const output = scannerFor(rules, 'output', onOutputLine);
  const input = scannerFor(rules, 'input', onInputLine);
  if (output === null && input === null) return tap;
  return {
    relativePath: tap.relativePath,
    resize: (cols, rows) => tap.resize(cols, rows),
    marker: (text) => tap.marker(text),
    onDrain: (listener) => tap.onDrain(listener),
    onFailure: (listener) => tap.onFailure(listener),
    output(data, stream) {
      const more = tap.output(data, stream);
      output?.feed(data);
      return more;
    },
    input(data) {
      const more = tap.input(data);
      input?.feed(data);
      return more;
    },
    close() {
      output?.flush();
      input?.flush();
      return tap.close();
    },
  };
}

interface LineScanner {
  feed(data: Buffer): void;
  flush(): void;
}

/**
 * The stream `on` decoded (ASCII at memcpy speed, as the recorder does) and cut into lines, or
 * null when no rule reads it. Only text holding some rule's longest literal piece is cut into
 * lines and matched: one search for all rules over a chunk instead of one per rule and line.
 */
function scannerFor(
  rules: readonly AlertRule[],
  on: AlertSource,
  onLine: (line: string) => void,
): LineScanner | null {
  const pieces = rules.filter((r) => r.on === on).map((r) => longestPiece(r.pattern.segments));
  if (pieces.length === 0) return null;
  const decoder = new Utf8StreamDecoder();
  const lines = new TerminalLines(anyLiteralIn(pieces));
  return {
    feed: (data) => {
      const ascii = !decoder.maybeHoldingBytes && isAscii(data);
      lines.feed(ascii ? data.toString('latin1') : decoder.write(data), onLine);
    },
    flush: () => {
      lines.feed(decoder.end(), onLine);
      lines.flush(onLine);
    },
  };
}

const longestPiece = (segments: readonly string[]): string =>
  segments.reduce((longest, s) => (s.length > longest.length ? s : longest), '');

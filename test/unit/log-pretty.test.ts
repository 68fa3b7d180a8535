import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../src/logging/pretty-stream.js';

const at = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();

describe('formatLogLine', () => {
  it('shows time, level, message and the fields, without the constant ones', () => {
    const line = JSON.stringify({
      level: 30,
      time: at,
      app: 'gatehouse',
      msg: 'ssh listening',
      host: '127.0.0.1',
      port: 2222,
      tags: ['a'],
    });
    expect(formatLogLine(line, false)).toBe(
      '03:04:05.006 INFO  ssh listening host=127.0.0.1 port=2222 tags=["a"]\n',
    );
  });

  it('quotes values with spaces and escapes control characters', () => {
    const line = JSON.stringify({ level: 40, time: at, msg: 'x', user: 'a b', evil: '\u001b[2J' });
    expect(formatLogLine(line, false)).toBe('03:04:05.006 WARN  x user="a b" evil=\\x1b[2J\n');
  });

  it('prints an error message and its stack', () => {
    const line = JSON.stringify({
      level: 50,
      time: at,
      msg: 'failed',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f' },
    });
    expect(formatLogLine(line, false)).toBe(
      '03:04:05.006 ERROR failed err=boom\n    Error: boom\n        at f\n',
    );
  });

  it('colours the level on a terminal and passes non-JSON through', () => {
    expect(formatLogLine(JSON.stringify({ level: 30, time: at, msg: 'm' }), true)).toContain(
      '\u001b[32mINFO \u001b[0m',
    );
    expect(formatLogLine('not json', false)).toBe('not json\n');
  });
});

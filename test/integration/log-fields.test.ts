import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootLogger } from '../../src/logging/logger.js';
import { startBastion, type BastionFixture } from '../helpers/bastion.js';
import { runSsh } from '../helpers/ssh-client.js';

/**
 * The top-level keys of one JSON log line in the order written, duplicates kept (JSON.parse
 * would silently keep only the last of a repeated key).
 */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (c === '"') {
      let end = i + 1;
      while (line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && line[end + 1] === ':')
        keys.push(JSON.parse(line.slice(i, end + 1)) as string);
      i = end;
    } else if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') depth -= 1;
  }
  return keys;
}

const lines: string[] = [];
let b: BastionFixture;
beforeAll(async () => {
  const logger = createRootLogger({
    level: 'debug',
    destination: { write: (line: string) => void lines.push(...line.split('\n').filter(Boolean)) },
  });
  b = await startBastion({ logger });
});
afterAll(async () => {
  await b.stop();
});

describe('log lines', () => {
  it('the key scanner sees a repeated key', () => {
    expect(topLevelKeys('{"a":1,"b":{"a":"x\\"y"},"a":[{"c":2}]}')).toEqual(['a', 'b', 'a']);
  });

  it('carry each field once through a whole ssh session (target named once)', async () => {
    const alice = await b.userWithGrant('alice');
    const r = await runSsh(b.login(alice), { command: ['echo hi'] });
    expect(r.code).toBe(0);
    const withTarget = lines.filter((l) => topLevelKeys(l).includes('target'));
    expect(withTarget.length).toBeGreaterThan(0);
    for (const line of lines) {
      const keys = topLevelKeys(line);
      const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
      expect(repeated, line).toEqual([]);
    }
  });
});

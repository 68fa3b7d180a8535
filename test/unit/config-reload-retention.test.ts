import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import { planReload } from '../../src/reload/config-reload.js';

const config = (retention: string) =>
  parseConfigText(`recordings:\n  retention: ${retention}\n`, '/etc/gatehouse/gatehouse.yaml');

describe('a SIGHUP that changes recordings.retention', () => {
  it('names it as needing a restart and keeps the retention serve started with', () => {
    const plan = planReload(config('365d'), config('30d'));
    expect(plan.needRestart).toEqual(['recordings.retention']);
    expect(plan.applied).toEqual([]);
    expect(plan.effective.recordings.retentionMs).toBe(365 * 86_400_000);
  });
});

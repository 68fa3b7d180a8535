import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PATH, renderAuditEventReference } from '../../scripts/audit-event-reference.mjs';
import { auditEventTypes } from '../../src/core/auditor.js';

describe('docs/audit-events.md', () => {
  it('is what `npm run docs:events` generates from the event types now', async () => {
    const committed = await readFile(REFERENCE_PATH, 'utf8');
    expect(committed, 'stale: run npm run docs:events and commit the result').toBe(
      await renderAuditEventReference(),
    );
  });

  it('has a section for every event type', async () => {
    const committed = await readFile(REFERENCE_PATH, 'utf8');
    for (const type of auditEventTypes) expect(committed).toContain(`\n## ${type}\n`);
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionRecordingPath } from '../../src/recording/recording-path.js';

const ID = '3f2a9c1e-0b1d-4c2e-9a7f-1234567890ab';
const OTHER = '0b1d4c2e-3f2a-4c2e-9a7f-1234567890ab';

describe('sessionRecordingPath', () => {
  it("resolves the session's own recording inside the folder", () => {
    expect(sessionRecordingPath('/rec', ID, `2026/11/30/${ID}.cast`)).toBe(
      join('/rec', '2026', '11', '30', `${ID}.cast`),
    );
  });

  it("refuses another session's recording, a path of another shape, or none", () => {
    expect(sessionRecordingPath('/rec', ID, `2026/11/30/${OTHER}.cast`)).toBeNull();
    expect(sessionRecordingPath('/rec', ID, `../2026/11/30/${ID}.cast`)).toBeNull();
    expect(sessionRecordingPath('/rec', ID, `/etc/${ID}.cast`)).toBeNull();
    expect(sessionRecordingPath('/rec', ID, null)).toBeNull();
  });
});

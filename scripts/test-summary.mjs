// Prints the `N passed, N failed` line CI reads, built from vitest's JSON report.
import { readFileSync } from 'node:fs';

const [reportPath, exitCode] = process.argv.slice(2);
let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed =
    (report.numFailedTests ?? 0) + (report.success === false && !report.numFailedTests ? 1 : 0);
} catch {
  failed = 1; // no report: the run failed before or during vitest (type-check, lint, crash)
}
if (Number(exitCode) !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);

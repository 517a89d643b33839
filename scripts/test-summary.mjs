// Prints the totals of a Jest JSON report as the one plain line CI reads:
// "N passed, N failed" (plus ", N skipped" when any test was skipped).
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.local/test-results.json';
const report = JSON.parse(readFileSync(file, 'utf8'));
// A suite that fails to load runs no test; count it as a failure so it is never hidden.
const brokenSuites = report.testResults.filter(
  (r) => r.status === 'failed' && r.assertionResults.length === 0,
).length;
const failed = report.numFailedTests + brokenSuites;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(
  `${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`,
);

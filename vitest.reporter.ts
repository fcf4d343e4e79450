// Prints the closing line CI reads: "N passed, N failed, N skipped".
import type { Reporter, TestModule } from 'vitest/node';

export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of modules) {
      let failedTests = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedTests++;
        else skipped++;
      }
      // A beforeAll/afterAll that throws or times out fails its suite, not a test: Vitest exits 1
      // while every test passed, so each such error counts as a failure here too.
      let hookErrors = mod.errors().length;
      for (const suite of mod.children.allSuites()) hookErrors += suite.errors().length;
      failed += failedTests + hookErrors;
      if (mod.state() === 'failed' && failedTests + hookErrors === 0) failed++;
    }
    failed += errors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

// Jest's default order (slowest and failed first), except that the end-to-end suites
// (`*.e2e.test.ts`, against the real node) run after every other suite: they install the
// chart as pods, which would reconcile the other suites' objects while they run.
import DefaultSequencer from '@jest/test-sequencer';

const Base = DefaultSequencer.default ?? DefaultSequencer;
const isE2e = (test) => test.path.endsWith('.e2e.test.ts');

export default class E2eLastSequencer extends Base {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((t) => !isE2e(t)), ...sorted.filter(isE2e)];
  }
}

import { after } from 'node:test';
import { startFakeCri, type FakeCri, type FakeCriOptions } from '../fake/fake-cri';

/** A starter of fake runtimes for one test file; all of them are stopped after the file's tests. Call at top level. */
export function fakeRuntimes(): (opts?: FakeCriOptions) => Promise<FakeCri> {
  const fakes: FakeCri[] = [];
  after(() => Promise.all(fakes.map((f) => f.stop())));
  return async (opts = {}) => {
    const f = await startFakeCri(opts);
    fakes.push(f);
    return f;
  };
}

/**
 * `ps`/`pods`/`images -o json` as a user runs them, against the fake CRI
 * server: the transcoding path (no client-side filter) prints byte for byte
 * what the decoding path prints (forced here with a filter that keeps
 * everything: `--name ^`, `-f reference=`), and fails the same way on a
 * response that cannot be decoded.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, type CliResult } from './fake/cli';
import { hostileWorkload, manyContainers } from './fake/fake-cri';
import { fakeRuntimes } from './support/fakes';

const fake = fakeRuntimes();

function assertSameRun(fast: CliResult, slow: CliResult, what: string): void {
  assert.equal(fast.hung || slow.hung, false, `${what}: hung`);
  assert.equal(fast.code, slow.code, `${what}: exit code (${fast.stderr} / ${slow.stderr})`);
  assert.equal(fast.stderr, slow.stderr, `${what}: stderr`);
  assert.equal(fast.stdout, slow.stdout, `${what}: stdout`);
}

describe('-o json lists: transcoded and decoded output are the same', () => {
  it('ps -a -o json on 1,500 containers (several chunks), with -n, -l and --state', async () => {
    const f = await fake({ workload: manyContainers(1500) });
    for (const extra of [[], ['--last', '7'], ['-l'], ['--state', 'running']]) {
      const args = ['ps', '-a', '-o', 'json', '-r', f.endpoint, ...extra];
      const fast = await runCli(args);
      const slow = await runCli([...args, '--name', '^']);
      assertSameRun(fast, slow, extra.join(' ') || 'ps -a');
      assert.equal(fast.code, 0, fast.stderr);
      const n = (JSON.parse(fast.stdout) as { containers: unknown[] }).containers.length;
      if (extra.length === 0) assert.equal(n, 1500);
    }
  });

  it('pods and images', async () => {
    const f = await fake({ workload: manyContainers(120, 4) });
    assertSameRun(await runCli(['pods', '-o', 'json', '-r', f.endpoint]), await runCli(['pods', '-o', 'json', '-r', f.endpoint, '--name', '^']), 'pods');
    assertSameRun(await runCli(['pods', '-o', 'json', '--last', '3', '-r', f.endpoint]), await runCli(['pods', '-o', 'json', '--last', '3', '-r', f.endpoint, '--name', '^']), 'pods --last 3');
    const images = await runCli(['images', '-o', 'json', '-r', f.endpoint]);
    assertSameRun(images, await runCli(['images', '-o', 'json', '-r', f.endpoint, '-f', 'reference=']), 'images');
    assert.ok((JSON.parse(images.stdout) as { images: unknown[] }).images.length > 0);
  });

  it('names, labels and annotations with control characters and escapes', async () => {
    const f = await fake({ workload: hostileWorkload() });
    assertSameRun(await runCli(['ps', '-a', '-o', 'json', '-r', f.endpoint]), await runCli(['ps', '-a', '-o', 'json', '-r', f.endpoint, '--name', '^']), 'ps');
    assertSameRun(await runCli(['pods', '-o', 'json', '-r', f.endpoint]), await runCli(['pods', '-o', 'json', '-r', f.endpoint, '--name', '^']), 'pods');
  });

  it('a response that cannot be decoded fails the same way', async () => {
    // One container whose metadata claims more bytes than there are.
    const broken = Buffer.from([0x0a, 0x04, 0x1a, 0x09, 0x0a, 0x01]);
    const f = await fake({ overrides: { ListContainers: { respond: () => broken } } });
    const fast = await runCli(['ps', '-a', '-o', 'json', '-r', f.endpoint]);
    assertSameRun(fast, await runCli(['ps', '-a', '-o', 'json', '-r', f.endpoint, '--name', '^']), 'broken');
    assert.notEqual(fast.code, 0);
    assert.match(fast.stderr, /ListContainers/);
  });
});

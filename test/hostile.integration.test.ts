/**
 * Terminal safety: names, labels, annotations and image tags come from
 * workloads. Tables must not carry raw control characters (a name must not
 * move the cursor, set the window title or reverse the text), while JSON and
 * YAML keep every byte exactly.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RAW_CONTROL, runCli } from './fake/cli';
import { HOSTILE, hostileWorkload, startFakeCri, type FakeCri, type Workload } from './fake/fake-cri';

describe('hostile names', () => {
  let fake: FakeCri;
  let w: Workload;
  before(async () => {
    w = hostileWorkload();
    fake = await startFakeCri({ workload: w });
  });
  after(() => fake?.stop());

  const run = async (args: string[]) => {
    const r = await runCli([...args, '-r', fake.endpoint]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    return r.stdout;
  };
  const assertSafe = (out: string) => {
    const m = RAW_CONTROL.exec(out);
    assert.equal(m, null, `raw control character U+${m?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} in:\n${JSON.stringify(out)}`);
  };

  it('the workload really is hostile (else this file tests nothing)', () => {
    for (const c of w.containers) assert.ok(RAW_CONTROL.test(c.metadata.name) || c.metadata.name.includes('\n'), JSON.stringify(c.metadata.name));
  });

  it('ps -a table: no raw control characters, one line per container', async () => {
    const out = await run(['ps', '-a']);
    assertSafe(out);
    assert.equal(out.split('\n').filter(Boolean).length, w.containers.length + 1);
    assert.ok(out.includes('\\x1b'), 'ESC is shown escaped');
  });

  it('ps -a -v (labels and annotations): no raw control characters', async () => {
    const out = await run(['ps', '-a', '-v']);
    assertSafe(out);
    for (const key of Object.keys(HOSTILE)) assert.ok(out.includes(`ctr-${key}-`), `container ${key} listed`);
  });

  it('pods table and pods -v: no raw control characters, one line per pod', async () => {
    const table = await run(['pods']);
    assertSafe(table);
    assert.equal(table.split('\n').filter(Boolean).length, w.pods.length + 1);
    assertSafe(await run(['pods', '-v']));
  });

  it('images table: no raw control characters', async () => {
    assertSafe(await run(['images']));
    assertSafe(await run(['images', '-v']));
  });

  it('ps -a -o json keeps names, labels, annotations and images exactly', async () => {
    const out = JSON.parse(await run(['ps', '-a', '-o', 'json'])) as { containers: Array<{ id: string; metadata: { name: string }; labels: object; annotations: object; image: { image: string } }> };
    assert.equal(out.containers.length, w.containers.length);
    for (const want of w.containers) {
      const got = out.containers.find((c) => c.id === want.id);
      assert.ok(got, want.metadata.name);
      assert.equal(got.metadata.name, want.metadata.name);
      assert.deepEqual(got.labels, want.labels);
      assert.deepEqual(got.annotations, want.annotations);
      assert.equal(got.image.image, want.image.image);
    }
  });

  it('pods -o json keeps names and labels exactly', async () => {
    const out = JSON.parse(await run(['pods', '-o', 'json'])) as { items: Array<{ id: string; metadata: { name: string }; labels: object }> };
    for (const want of w.pods) {
      const got = out.items.find((p) => p.id === want.id);
      assert.ok(got);
      assert.equal(got.metadata.name, want.metadata.name);
      assert.deepEqual(got.labels, want.labels);
    }
  });

  it('inspect (JSON) keeps the name exactly', async () => {
    const want = w.containers[0];
    const out = JSON.parse(await run(['inspect', want.id])) as { status: { metadata: { name: string } } };
    assert.equal(out.status.metadata.name, want.metadata.name);
  });

  it('ps --name with a hostile name filters without breaking', async () => {
    const out = await run(['ps', '-a', '-q', '--name', 'ALERT']);
    const want = w.containers.filter((c) => /ALERT/.test(c.metadata.name)).map((c) => c.id);
    assert.deepEqual(out.split('\n').filter(Boolean), want);
  });
});

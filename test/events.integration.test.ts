/**
 * events against the in-process fake runtime's GetContainerEvents stream:
 * each -o format (go-template too, and crictl's checks of -o/--template), the end of the stream (exit 0), Ctrl-C (exit 130), and a
 * runtime without the RPC (containerd 1.6) getting one line that says so.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { parseAllDocuments } from 'yaml';
import { runCli } from './fake/cli';
import { containerEvents, startFakeCri, type FakeCri } from './fake/fake-cri';

const fakes: FakeCri[] = [];
after(async () => {
  for (const f of fakes) await f.stop();
});

async function fakeWith(stream?: ReturnType<typeof containerEvents>, code?: status): Promise<FakeCri> {
  const f = await startFakeCri({ overrides: { GetContainerEvents: stream ? { stream } : { code, details: 'unknown method GetContainerEvents for service runtime.v1.RuntimeService' } } });
  fakes.push(f);
  return f;
}

describe('events', () => {
  it('-o json (default): one protojson document per event, in order; the end of the stream is exit 0', async () => {
    const f = await fakeWith(containerEvents({ count: 8, perSecond: 1000 }));
    const r = await runCli(['events', '-r', f.endpoint]);
    assert.equal(r.code, 0, r.stderr);
    const docs = r.stdout.trim().split(/\n(?=\{)/).map((d) => JSON.parse(d));
    assert.equal(docs.length, 8);
    assert.deepEqual(docs.map((d) => d.containerEventType), ['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT', 'CONTAINER_DELETED_EVENT', 'CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT', 'CONTAINER_DELETED_EVENT']);
    assert.equal(typeof docs[0].createdAt, 'string');
    assert.equal(docs[0].podSandboxStatus.metadata.name, 'web');
    assert.deepEqual(f.calls, ['GetContainerEvents']);
  });

  it('-o yaml: one YAML document per event; -o table: a header and one row each', async () => {
    const y = await runCli(['events', '-o', 'yaml', '-r', (await fakeWith(containerEvents({ count: 3, perSecond: 1000 }))).endpoint]);
    assert.equal(y.code, 0, y.stderr);
    const docs = parseAllDocuments(y.stdout).map((d) => d.toJS());
    assert.deepEqual(docs.map((d) => d.containerEventType), ['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT']);
    const tb = await runCli(['events', '-o', 'table', '-r', (await fakeWith(containerEvents({ count: 2, perSecond: 1000 }))).endpoint]);
    const rows = tb.stdout.trim().split('\n').map((l) => l.split(/ {2,}/));
    assert.deepEqual(rows[0], ['TIME', 'CONTAINER', 'EVENT', 'POD', 'NAMESPACE']);
    assert.deepEqual(rows.slice(1).map((r) => [r[2], r[3], r[4]]), [['CREATED', 'web', 'default'], ['STARTED', 'web', 'default']]);
    const bad = await runCli(['events', '-o', 'wide', '-r', 'unix:///nonexistent.sock']);
    assert.equal(bad.code, 1);
  });

  it("bad -o/--template: crictl's checks and words, exit 1, before any connection", async () => {
    const none = 'unix:///nonexistent.sock';
    const cases: Array<[string[], RegExp]> = [
      [['--output=ini'], /^tcrictl: don't support "ini" format$/m],
      [['--template={{.containerID}}'], /^tcrictl: template can't be used with "json" format$/m],
      [['-o', 'yaml', '--template', '{{.x}}'], /^tcrictl: template can't be used with "yaml" format$/m],
      [['--output=go-template', '--template={{'], /^tcrictl: failed to parse go-template: template: :1: unclosed action$/m],
      [['-o', 'go-template', '--template', '{{nosuchfunc .}}'], /^tcrictl: failed to parse go-template: template: :1: function "nosuchfunc" not defined$/m],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(['events', ...args, '-r', none]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /nonexistent/, 'checked before connecting');
    }
  });

  it('-o go-template: one line per event from the template, run on the event JSON; a failing event says so and the stream goes on', async () => {
    const f = await fakeWith(containerEvents({ count: 3, perSecond: 1000 }));
    const t = '{{.containerEventType}} {{.podSandboxStatus.metadata.namespace}}/{{.podSandboxStatus.metadata.name}}{{if eq .containerEventType "CONTAINER_STOPPED_EVENT"}} {{.nope}}{{end}}';
    const r = await runCli(['events', '-o', 'go-template', '--template', t, '-r', f.endpoint]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n'), [
      'CONTAINER_CREATED_EVENT default/web',
      'CONTAINER_STARTED_EVENT default/web',
      'failed to format container event with the error: failed to template data: executing at <.nope>: map has no entry for key "nope"',
      '',
    ]);
  });

  it('streams until Ctrl-C, then exits 130', async () => {
    const f = await fakeWith(containerEvents({ perSecond: 200 }));
    let seen = '';
    let sent = false;
    const r = await runCli(['events', '-r', f.endpoint], {
      onSpawn: (child) => {
        child.stdout!.on('data', (c: Buffer) => {
          seen += c.toString();
          // Once: a second Ctrl-C ends tcrictl by the default action (lifecycle.ts), no exit code.
          if (!sent && seen.split('containerEventType').length > 5) sent = child.kill('SIGINT');
        });
      },
    });
    assert.equal(r.hung, false);
    assert.equal(r.code, 130);
    assert.ok(r.stdout.split('containerEventType').length > 5);
  });

  it('a runtime without GetContainerEvents (containerd 1.6): one line naming the versions that have it, exit 1', async () => {
    const f = await fakeWith(undefined, status.UNIMPLEMENTED);
    const r = await runCli(['events', '-r', f.endpoint]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tcrictl: the runtime at .* does not stream container events \(GetContainerEvents\): containerd 1\.7\+ and CRI-O 1\.26\+ do\n  hint: /);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 2);
  });
});

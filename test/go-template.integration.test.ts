/**
 * -o go-template --template T on the commands crictl has it on (inspect,
 * inspectp, inspecti, imagefsinfo, info; events is in events.integration.test.ts), against
 * the in-process fake runtime: T runs on each object that -o json prints and
 * its output ends with a newline (crictl's Println); a bad T fails before any
 * call; -o go-template elsewhere is refused as before.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeRuntimes } from './support/fakes';
import { runCliInProcess as runCli } from './support/in-process';

const fake = fakeRuntimes();
const tmpl = (t: string) => ['-o', 'go-template', '--template', t];

describe('-o go-template', () => {
  it('info: the status and the info keys at the top, as -o json', async () => {
    const f = await fake();
    const r = await runCli(['info', '-r', f.endpoint, ...tmpl('{{range .status.conditions}}{{.type}}={{.status}} {{end}}fake={{.config.fake}}')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'RuntimeReady=true NetworkReady=true fake=true\n');
  });

  it('inspect, inspectp: once per object, in the order given; names resolve as for -o json', async () => {
    const f = await fake();
    const c = await runCli(['inspect', '-r', f.endpoint, ...tmpl('{{.status.metadata.name}} {{.status.state}} {{.info.pid}}'), 'app', 'job']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, 'app CONTAINER_RUNNING 4242\njob CONTAINER_EXITED 4242\n');
    const p = await runCli(['inspectp', '-r', f.endpoint, ...tmpl('{{.status.metadata.name}}/{{.status.network.ip}} {{printf "%5d" .info.pid}}'), 'web']);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout, 'web/10.88.0.7  4241\n');
  });

  it('inspecti: fields, index and json of one image', async () => {
    const f = await fake();
    const r = await runCli(['inspecti', '-r', f.endpoint, ...tmpl('{{index .status.repoTags 0}} {{.status.size}} {{json .status.pinned}}'), '127.0.0.1:5000/pause:3.9']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '127.0.0.1:5000/pause:3.9 321824 true\n\n');
  });

  it('imagefsinfo: the template sees {"status": <ImageFsInfoResponse>}', async () => {
    const f = await fake();
    const r = await runCli(['imagefsinfo', '-r', f.endpoint, ...tmpl('{{range .status.imageFilesystems}}{{.fsId.mountpoint}} {{.usedBytes.value}}{{end}}')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs 1351680\n');
  });

  it('a key the object does not have fails, exit 1 (missingkey=error, as crictl)', async () => {
    const f = await fake();
    const r = await runCli(['info', '-r', f.endpoint, ...tmpl('{{.nope}}')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tcrictl: failed to template data: executing at <\.nope>: map has no entry for key "nope"$/m);
  });

  it('a template that does not parse: exit 1 before any call', async () => {
    const f = await fake();
    for (const cmd of [['info'], ['imagefsinfo'], ['inspect', 'app'], ['inspectp', 'web'], ['inspecti', 'busybox']]) {
      const r = await runCli([...cmd, '-r', f.endpoint, ...tmpl('{{range .x}}')]);
      assert.equal(r.code, 1, cmd[0]);
      assert.match(r.stderr, /^tcrictl: failed to parse go-template: template: :1: unexpected EOF$/m);
    }
    assert.deepEqual(f.calls, []);
  });

  it('--template without -o go-template is ignored, as crictl ignores it; ps has no go-template', async () => {
    const f = await fake();
    const r = await runCli(['info', '-r', f.endpoint, '--template', '{{.nope}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).config.fake, true);
    const ps = await runCli(['ps', '-r', f.endpoint, '-o', 'go-template']);
    assert.equal(ps.code, 1);
    assert.match(ps.stderr, /^tcrictl: -o go-template is not supported by this command$/m);
  });
});

/**
 * pull from registries on 127.0.0.1 (Debian's docker-registry, one open and
 * one behind htpasswd/bcrypt, fed by skopeo), and the disk-pressure clean-up:
 * exited containers and an unused image removed with
 * `rm $(ps -a --state=exited -q)` and `rmi --prune`, the space back in imagefsinfo.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startContainerd, type Containerd } from './harness/containerd';
import { criCall, runContainer, seedWorkload, waitForState } from './harness/cri-fixture';
import { customArchive } from './harness/images';
import { startRegistry, trustRegistry, type Registry } from './harness/registry';
import { cli, lines } from './support/cli-e2e';

const USER = 'alice';
const PASSWORD = 'pw-Zq81-never-shown';

let ctd: Containerd;
let open: Registry;
let locked: Registry;
let t: ReturnType<typeof cli>;
let fillRef: string;
let privRef: string;

before(async () => {
  ctd = await startContainerd();
  open = await startRegistry();
  locked = await startRegistry({ auth: { username: USER, password: PASSWORD } });
  trustRegistry(ctd, open);
  trustRegistry(ctd, locked);
  fillRef = await open.push(customArchive('tcrictl-test/fill:1', ['sh'], 8 << 20), 'test/fill:1');
  privRef = await locked.push(customArchive('tcrictl-test/priv:1', ['sh'], 1 << 20), 'test/priv:1');
  t = cli(ctd.endpoint);
});

after(async () => {
  await ctd?.stop();
  await open?.stop();
  await locked?.stop();
});

async function imageIdOf(ref: string): Promise<string | undefined> {
  return (await criCall(ctd.endpoint, 'ImageService', 'ImageStatus', { image: { image: ref } })).image?.id;
}

async function usedBytes(): Promise<number> {
  const r = await criCall(ctd.endpoint, 'ImageService', 'ImageFsInfo', {});
  return Number(r.imageFilesystems[0].usedBytes.value);
}

describe('pull', () => {
  it('pulls from a plain-http registry and prints the image ID; nothing extra when piped', async () => {
    const r = await t.run(['pull', fillRef]);
    assert.equal(r.code, 0, r.stderr);
    const id = await imageIdOf(fillRef);
    assert.ok(id);
    assert.equal(r.stdout, `Image is up to date for ${id}\n`);
    assert.equal(r.stderr, '');
  });

  it('a registry that wants credentials: 401 with a hint; --creds, CRICTL_CREDS, --auth and -u from stdin work', async () => {
    const denied = await t.run(['pull', privRef]);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /401 Unauthorized/);
    assert.match(denied.stderr, /hint: the registry wants credentials/);
    const want = (id: string | undefined) => `Image is up to date for ${id}\n`;
    assert.equal(await t.ok(['pull', '--creds', `${USER}:${PASSWORD}`, privRef]), want(await imageIdOf(privRef)));
    const id = await imageIdOf(privRef);
    await criCall(ctd.endpoint, 'ImageService', 'RemoveImage', { image: { image: id } });
    assert.equal(await t.ok(['pull', privRef], { env: { CRICTL_CREDS: `${USER}:${PASSWORD}` } }), want(id));
    assert.equal(await t.ok(['pull', '--auth', Buffer.from(`${USER}:${PASSWORD}`).toString('base64'), privRef]), want(id));
    assert.equal(await t.ok(['pull', '-u', USER, privRef], { stdin: `${PASSWORD}\n` }), want(id));
  });

  it('a wrong password never appears in -D output or the error', async () => {
    const wrong = `${PASSWORD}-wrong`;
    const r = await t.run(['-D', 'pull', '--creds', `${USER}:${wrong}`, privRef]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /401 Unauthorized/);
    assert.equal(r.stderr.includes(wrong) || r.stdout.includes(wrong), false);
    const both = await t.run(['pull', '--creds', 'a:b', '--auth', 'eA==', privRef]);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /both `--creds` and `--auth` are specified/);
  });

  it('an image that is not there: one line, exit 1', async () => {
    const r = await t.run(['pull', `${open.host}/test/nope:1`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tcrictl: pulling image .*nope:1: .*not found/);
  });
});

describe('disk-pressure clean-up', () => {
  it('rm $(ps -a --state=exited -q) and rmi --prune remove exactly the exited containers and the unused image', async () => {
    await t.ok(['pull', fillRef]);
    const fillId = (await imageIdOf(fillRef))!;
    const w = await seedWorkload(ctd);
    const extra = await runContainer(ctd, w.podId, { name: 'job2', command: ['true'] });
    await waitForState(ctd, extra, 'CONTAINER_EXITED');
    const imagesBefore = (await criCall(ctd.endpoint, 'ImageService', 'ListImages', {})).images.map((i: { id: string }) => i.id).sort();
    // containerd refreshes its snapshot usage every few seconds: wait until it counts the 8 MiB image.
    let bytesBefore = await usedBytes();
    for (let i = 0; i < 120 && bytesBefore < 8 << 20; i++) {
      await new Promise((r) => setTimeout(r, 500));
      bytesBefore = await usedBytes();
    }
    assert.ok(bytesBefore >= 8 << 20, `imagefsinfo never counted the pulled image (${bytesBefore} bytes)`);
    const exited = lines(await t.ok(['ps', '-a', '--state=exited', '-q']));
    assert.deepEqual(exited.sort(), [w.exitedId, extra].sort());
    assert.deepEqual(lines(await t.ok(['rm', ...exited])).sort(), exited.sort());
    const left = (await criCall(ctd.endpoint, 'RuntimeService', 'ListContainers', { filter: {} })).containers.map((c: { id: string }) => c.id);
    assert.deepEqual(left, [w.runningId]);
    const privTags = (await imageIdOf(privRef)) ? [`Deleted: ${privRef}`] : [];
    const pruned = await t.ok(['rmi', '--prune']);
    assert.deepEqual(lines(pruned).sort(), [`Deleted: ${fillRef}`, ...privTags].sort());
    const imagesAfter = (await criCall(ctd.endpoint, 'ImageService', 'ListImages', {})).images.map((i: { id: string }) => i.id).sort();
    assert.ok(!imagesAfter.includes(fillId));
    assert.ok(imagesAfter.includes((await imageIdOf(ctd.images.busybox))!), 'the image in use was kept');
    assert.ok(imagesAfter.includes((await imageIdOf(ctd.images.pause))!), 'the sandbox image was kept');
    assert.ok(imagesBefore.length > imagesAfter.length);
    // Then poll tcrictl's imagefsinfo until the 8 MiB are back.
    let after = bytesBefore;
    for (let i = 0; i < 120 && !(after <= bytesBefore - (8 << 20)); i++) {
      await new Promise((r) => setTimeout(r, 500));
      after = Number(JSON.parse(await t.ok(['imagefsinfo'])).status.imageFilesystems[0].usedBytes.value);
    }
    assert.ok(after <= bytesBefore - (8 << 20), `imagefsinfo used ${bytesBefore} before, ${after} after`);
  });
});

/**
 * The pure pieces of the mutating commands: config-file reading, credential
 * parsing and scrubbing, --memory sizes, and the resolve-everything-first rule.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveAll } from '../src/cli/each';
import { AmbiguousError, CliError, ItemFailures, UsageError } from '../src/cli/cli-error';
import { registryAuth, scrub, secretsOf } from '../src/cli/pull';
import { loadContainerConfig, loadPodConfig } from '../src/cri/config-file';
import { configuredSandboxImages } from '../src/cri/image-users';
import { parseBytes } from '../src/commands/update';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-unit-'));
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

describe('config files', () => {
  it('snake_case and camelCase keys map to the same fields; map keys are kept as written; unknown keys warned', () => {
    const warnings: string[] = [];
    const pod = loadPodConfig(
      write('pod.json', JSON.stringify({ metadata: { name: 'p', namespace: 'n' }, log_directory: '/l', Labels: { some_key: 'v' }, linux: { cgroup_parent: '/c', security_context: { namespace_options: { network: 2 } } }, typo_field: 1 })),
      (w) => warnings.push(w),
    );
    assert.deepEqual(pod.logDirectory, '/l');
    assert.deepEqual(pod.labels, { some_key: 'v' });
    assert.deepEqual(pod.linux, { cgroupParent: '/c', securityContext: { namespaceOptions: { network: 2 } } });
    assert.match((pod.metadata as { uid: string }).uid, /^[0-9a-f-]{36}$/);
    assert.deepEqual(warnings, [`${path.join(dir, 'pod.json')}: ignoring unknown keys: typo_field`]);
    const ctr = loadContainerConfig(write('c.yaml', 'metadata: {name: c}\nimage: {image: busybox}\nenvs: [{key: A, value: b}]\n'), () => undefined);
    assert.deepEqual(ctr.image, { image: 'busybox', userSpecifiedImage: 'busybox' });
    assert.deepEqual(ctr.envs, [{ key: 'A', value: 'b' }]);
  });

  it('crictl\'s checks are usage errors', () => {
    assert.throws(() => loadPodConfig(write('a.yaml', 'log_directory: /x\n'), () => undefined), /metadata is not set/);
    assert.throws(() => loadPodConfig(write('b.yaml', 'metadata: {name: x}\n'), () => undefined), /name or namespace is not in metadata/);
    assert.throws(() => loadContainerConfig(write('c2.yaml', 'metadata: {name: x}\n'), () => undefined), /image is not set/);
    assert.throws(() => loadContainerConfig(path.join(dir, 'none.yaml'), () => undefined), (e) => e instanceof UsageError && /config at .* not found/.test(e.message));
    assert.throws(() => loadPodConfig(write('d.yaml', '[1, 2]\n'), () => undefined), UsageError);
  });
});

describe('credentials', () => {
  it('--creds splits at the first colon; --creds with --auth is refused; --auth passes through', async () => {
    assert.deepEqual(await registryAuth({ creds: 'u:p:q' }), { username: 'u', password: 'p:q' });
    assert.deepEqual(await registryAuth({ creds: 'u' }), { username: 'u', password: '' });
    await assert.rejects(registryAuth({ creds: ':p' }), /username can't be empty/);
    await assert.rejects(registryAuth({ creds: 'a:b', auth: 'x' }), /both `--creds` and `--auth` are specified/);
    assert.deepEqual(await registryAuth({ auth: 'eA==' }), { auth: 'eA==' });
    assert.equal(await registryAuth({}), undefined);
  });

  it('scrub removes every secret', () => {
    const s = secretsOf({ username: 'u', password: 'hunter2', auth: 'aHVudGVyMg==' });
    assert.equal(scrub('bad hunter2 / aHVudGVyMg== hunter2', s), 'bad *** / *** ***');
  });
});

describe('update --memory', () => {
  it('bytes or k/m/g', () => {
    assert.equal(parseBytes('1048576'), 1048576);
    assert.equal(parseBytes('64m'), 64 * 1024 * 1024);
    assert.equal(parseBytes('1G'), 1024 ** 3);
    assert.throws(() => parseBytes('lots'), UsageError);
  });
});

describe('sandbox image from the runtime config', () => {
  it('containerd sandboxImage and CRI-O pause_image, nested or not', () => {
    assert.deepEqual(configuredSandboxImages({ config: JSON.stringify({ containerd: {}, sandboxImage: 'registry.k8s.io/pause:3.6' }) }), ['registry.k8s.io/pause:3.6']);
    assert.deepEqual(configuredSandboxImages({ config: JSON.stringify({ image: { pause_image: 'p:1' } }) }), ['p:1']);
    assert.deepEqual(configuredSandboxImages({ config: 'not json' }), []);
  });
});

describe('resolveAll', () => {
  const pick = (q: string) => {
    if (q === 'amb') throw new AmbiguousError('"amb" matches 2 containers', 'give more');
    if (q === 'gone') throw new CliError('no container matches "gone"');
    return `id-${q}`;
  };

  it('unknown queries are failures, the others targets (duplicates once)', async () => {
    const r = await resolveAll(['a', 'gone', 'b', 'a'], pick);
    assert.deepEqual(r.targets, [{ query: 'a', id: 'id-a' }, { query: 'b', id: 'id-b' }]);
    assert.equal(r.failures.length, 1);
  });

  it('one ambiguous query stops everything; several are reported together', async () => {
    await assert.rejects(resolveAll(['a', 'amb'], pick), AmbiguousError);
    await assert.rejects(resolveAll(['amb', 'amb'], pick), ItemFailures);
  });
});

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../src/cli/cli-error';
import { loadCrictlConfig, parseCrictlConfig } from '../src/config/crictl-config';
import { makeHostRoot } from './fake/cli';

describe('parseCrictlConfig', () => {
  it('reads every crictl key', () => {
    const cfg = parseCrictlConfig(
      [
        'runtime-endpoint: unix:///run/containerd/containerd.sock',
        'image-endpoint: "unix:///run/images.sock"',
        'timeout: 7',
        'debug: true',
        'pull-image-on-create: true',
        'disable-pull-on-run: false',
        'max-retries: 5',
      ].join('\n'),
    );
    assert.deepEqual(cfg, {
      runtimeEndpoint: 'unix:///run/containerd/containerd.sock',
      imageEndpoint: 'unix:///run/images.sock',
      timeoutSeconds: 7,
      debug: true,
      pullImageOnCreate: true,
      disablePullOnRun: false,
    });
  });

  it('accepts the strings strconv.ParseBool accepts, and quoted numbers', () => {
    assert.deepEqual(parseCrictlConfig('debug: "t"\npull-image-on-create: "FALSE"\ntimeout: "3"'), { debug: true, pullImageOnCreate: false, timeoutSeconds: 3 });
    assert.deepEqual(parseCrictlConfig('debug: "1"\ndisable-pull-on-run: "0"'), { debug: true, disablePullOnRun: false });
  });

  it('treats an empty file, comments only, and empty values as unset', () => {
    assert.deepEqual(parseCrictlConfig(''), {});
    assert.deepEqual(parseCrictlConfig('# nothing here\n'), {});
    assert.deepEqual(parseCrictlConfig('runtime-endpoint:\ntimeout:\n'), {});
  });

  it("rejects an unknown key with crictl's wording", () => {
    assert.throws(() => parseCrictlConfig('bogus-key: 1'), /Config option 'bogus-key' is not valid/);
  });

  it('rejects a timeout that is a duration, not whole seconds', () => {
    assert.throws(() => parseCrictlConfig('timeout: 2s'), /parsing config option 'timeout'/);
    assert.throws(() => parseCrictlConfig('timeout: 1.5'), /parsing config option 'timeout'/);
  });

  it('rejects a bool that is not one', () => {
    assert.throws(() => parseCrictlConfig('debug: yes-please'), /parsing config option 'debug'/);
    assert.throws(() => parseCrictlConfig('pull-image-on-create: 2'), /parsing config option 'pull-image-on-create'/);
  });

  it('rejects a file that is not a mapping', () => {
    assert.throws(() => parseCrictlConfig('- a\n- b\n'), /not a YAML mapping/);
    assert.throws(() => parseCrictlConfig('just text'), /not a YAML mapping/);
  });

  it('rejects YAML that does not parse', () => {
    assert.throws(() => parseCrictlConfig('runtime-endpoint: [unclosed'));
  });
});

describe('loadCrictlConfig', () => {
  const dir = makeHostRoot();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  it('loads a good file, explicit or default', () => {
    const p = file('good.yaml', 'runtime-endpoint: unix:///x.sock\ntimeout: 4\n');
    for (const explicit of [true, false]) {
      const got = loadCrictlConfig(p, explicit);
      assert.deepEqual(got, { config: { runtimeEndpoint: 'unix:///x.sock', timeoutSeconds: 4 } });
    }
  });

  it('ignores a missing default file silently', () => {
    assert.deepEqual(loadCrictlConfig(path.join(dir, 'absent.yaml'), false), { config: {} });
  });

  it('fails on a missing explicit file with a usage error naming it', () => {
    const p = path.join(dir, 'absent.yaml');
    assert.throws(
      () => loadCrictlConfig(p, true),
      (err: unknown) => err instanceof UsageError && err.exitCode === 1 && err.message.includes(p) && /does not exist/.test(err.message),
    );
  });

  it('fails on a broken explicit file, naming the file and the key', () => {
    const p = file('bad.yaml', 'bogus-key: 1\n');
    assert.throws(
      () => loadCrictlConfig(p, true),
      (err: unknown) => err instanceof UsageError && err.message.includes(p) && err.message.includes("'bogus-key'") && /valid keys/.test(err.hint ?? ''),
    );
  });

  it('ignores a broken default file with one warning, as crictl ignores it', () => {
    const p = file('bad-default.yaml', 'timeout: soon\n');
    const got = loadCrictlConfig(p, false);
    assert.deepEqual(got.config, {});
    assert.match(got.warning ?? '', /ignoring .*bad-default\.yaml.*'timeout'/);
  });

  it('fails on an unreadable explicit path (a directory)', () => {
    assert.throws(() => loadCrictlConfig(dir, true), (err: unknown) => err instanceof UsageError && err.message.includes(dir));
  });
});

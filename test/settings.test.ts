import { after, afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveSettings } from '../src/cli/base-command';
import { UsageError } from '../src/cli/cli-error';
import { InputError } from '../src/cri/input-error';
import { makeHostRoot, writeHostFile } from './fake/cli';

describe('resolveSettings', () => {
  let root: string;
  const savedRoot = process.env.TCRICTL_HOST_ROOT;
  const warnings: string[] = [];
  const warn = (l: string) => warnings.push(l);
  beforeEach(() => {
    root = makeHostRoot();
    process.env.TCRICTL_HOST_ROOT = root;
    warnings.length = 0;
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  after(() => {
    if (savedRoot === undefined) delete process.env.TCRICTL_HOST_ROOT;
    else process.env.TCRICTL_HOST_ROOT = savedRoot;
  });
  const defaultConfig = (text: string) => writeHostFile(root, 'etc/crictl.yaml', text);

  it('defaults: auto-detect, 2 s, no debug, default config under the host root', () => {
    const s = resolveSettings({}, warn);
    assert.equal(s.runtimeEndpoint, undefined);
    assert.equal(s.imageEndpoint, undefined);
    assert.equal(s.timeoutMs, 2000);
    assert.equal(s.debug, false);
    assert.equal(s.configFile, path.join(root, 'etc/crictl.yaml'));
    assert.deepEqual(warnings, []);
  });

  it('the default /etc/crictl.yaml (under the host root) supplies endpoints, timeout and debug', () => {
    defaultConfig('runtime-endpoint: unix:///cfg/rt.sock\nimage-endpoint: /cfg/img.sock\ntimeout: 9\ndebug: true\n');
    const s = resolveSettings({}, warn);
    assert.equal(s.runtimeEndpoint, 'unix:///cfg/rt.sock');
    assert.equal(s.imageEndpoint, 'unix:///cfg/img.sock');
    assert.equal(s.timeoutMs, 9000);
    assert.equal(s.debug, true);
  });

  it('flags (or env, which oclif folds into flags) beat the config file', () => {
    defaultConfig('runtime-endpoint: unix:///cfg/rt.sock\nimage-endpoint: unix:///cfg/img.sock\ntimeout: 9\n');
    const s = resolveSettings({ 'runtime-endpoint': '/flag/rt.sock', 'image-endpoint': 'unix:///flag/img.sock', timeout: '300ms' }, warn);
    assert.equal(s.runtimeEndpoint, 'unix:///flag/rt.sock');
    assert.equal(s.imageEndpoint, 'unix:///flag/img.sock');
    assert.equal(s.timeoutMs, 300);
  });

  it('-c names another file, and the default file is then not read', () => {
    defaultConfig('runtime-endpoint: unix:///default.sock\n');
    const other = writeHostFile(root, 'other.yaml', 'runtime-endpoint: unix:///other.sock\n');
    const s = resolveSettings({ config: other }, warn);
    assert.equal(s.runtimeEndpoint, 'unix:///other.sock');
    assert.equal(s.configFile, other);
  });

  it('an empty endpoint in the config file means auto-detect', () => {
    defaultConfig('runtime-endpoint: ""\n');
    assert.equal(resolveSettings({}, warn).runtimeEndpoint, undefined);
  });

  it('an explicitly empty -r is a usage error', () => {
    // crictl: an empty flag is not set, so detection (or the config file) decides.
    assert.equal(resolveSettings({ 'runtime-endpoint': '' }, warn).runtimeEndpoint, undefined);
    assert.throws(() => resolveSettings({ timeout: '-1' }, warn), (e: unknown) => e instanceof UsageError && /-t\/--timeout: "-1" is negative/.test(e.message));
  });

  it('a bad endpoint in the config file names the file', () => {
    defaultConfig('runtime-endpoint: tcp://1.2.3.4:1\n');
    assert.throws(() => resolveSettings({}, warn), (e: unknown) => e instanceof InputError && e.message.includes(path.join(root, 'etc/crictl.yaml')));
  });

  it('timeout: -t 0 and config timeout 0 mean the 2 s default', () => {
    assert.equal(resolveSettings({ timeout: '0' }, warn).timeoutMs, 2000);
    defaultConfig('timeout: 0\n');
    assert.equal(resolveSettings({}, warn).timeoutMs, 2000);
  });

  it('a bad -t is a usage error', () => {
    assert.throws(() => resolveSettings({ timeout: 'soon' }, warn), (e: unknown) => e instanceof UsageError && e.exitCode === 1);
  });

  it('-D wins over debug: false in the file', () => {
    defaultConfig('debug: false\n');
    assert.equal(resolveSettings({ debug: true }, warn).debug, true);
  });

  it('a broken default file is ignored with exactly one warning', () => {
    defaultConfig('bogus: 1\n');
    const s = resolveSettings({}, warn);
    assert.equal(s.runtimeEndpoint, undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /bogus/);
  });

  it('a missing -c file is a usage error', () => {
    assert.throws(() => resolveSettings({ config: path.join(root, 'nope.yaml') }, warn), (e: unknown) => e instanceof UsageError && e.exitCode === 1);
  });
});

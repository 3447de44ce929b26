/**
 * Command lines run in process (test/support/in-process.ts: the same main()
 * as the binary, output captured) against the in-process fake CRI server:
 * servers that are not CRI, connection failures, usage errors, where global
 * flags may go and where the endpoint comes from. TCRICTL_HOST_ROOT is an
 * empty temp dir unless a test makes one. What needs a real process (Ctrl-C,
 * hangs, help printed by oclif) stays in cli.integration.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeHostRoot, STACK_LINE, writeHostFile } from './fake/cli';
import { defaultImages } from './fake/fake-cri';
import { fakeRuntimes } from './support/fakes';
import { runCliInProcess as runCli, runInProcess, type InProcessResult } from './support/in-process';
import { Connection } from '../src/cri/connection';

const fake = fakeRuntimes();

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

/** A failure a user can read: exit code, ≤ 2 lines (message + hint), no stack trace, nothing on stdout. */
function assertCleanFailure(r: InProcessResult, exitCode: number, message: RegExp): void {
  assert.equal(r.code, exitCode, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const ls = lines(r.stderr);
  assert.ok(ls.length >= 1 && ls.length <= 2, `one message line and an optional hint, got:\n${r.stderr}`);
  assert.match(ls[0], /^tcrictl: /);
  assert.match(ls[0], message);
  if (ls[1]) assert.match(ls[1], /^  hint: /);
  assert.doesNotMatch(r.stderr, STACK_LINE);
}

describe('servers that are not (fully) CRI', () => {
  it('grpc server without RuntimeService: says it is not a CRI endpoint', async () => {
    const f = await fake({ mode: 'unrelated' });
    const r = await runCli(['version', '-r', f.endpoint]);
    assertCleanFailure(r, 1, /is not a CRI v1 endpoint/);
  });

  it('"unknown service runtime.v1.RuntimeService" (containerd without CRI): says it is not a CRI endpoint', async () => {
    const f = await fake({ mode: 'go-unknown-service' });
    const r = await runCli(['version', '-r', f.endpoint]);
    assertCleanFailure(r, 1, /is not a CRI v1 endpoint: unknown service runtime\.v1\.RuntimeService/);
    assert.match(r.stderr, /tcrictl diagnose/);
  });

  it('one Unimplemented call (ListContainers): names the call, exit 1', async () => {
    const f = await fake({ overrides: { ListContainers: { code: status.UNIMPLEMENTED, details: 'unknown method ListContainers for service runtime.v1.RuntimeService' } } });
    const r = await runCli(['ps', '-r', f.endpoint]);
    assertCleanFailure(r, 1, /does not implement ListContainers/);
    assert.doesNotMatch(r.stderr, /not a CRI/);
  });

  it('NOT_FOUND from the runtime is passed on in its own words, exit 1', async () => {
    const f = await fake({ overrides: { Status: { code: status.NOT_FOUND, details: 'no such thing' } } });
    const r = await runCli(['info', '-r', f.endpoint]);
    assertCleanFailure(r, 1, /no such thing/);
  });
});

describe('connection failures with an explicit endpoint', () => {
  it('a missing socket says so, exit 1', async () => {
    const r = await runCli(['version', '-r', 'unix:///tmp/tcrictl-no-such-dir/x.sock']);
    assertCleanFailure(r, 1, /socket \/tmp\/tcrictl-no-such-dir\/x\.sock does not exist/);
  });
});

describe('usage errors and flag placement', () => {
  it('a missing -c file: exit 1, names the file', async () => {
    const r = await runCli(['version', '-c', '/tmp/tcrictl-no-such.yaml']);
    assertCleanFailure(r, 1, /\/tmp\/tcrictl-no-such\.yaml does not exist/);
  });

  it('a missing CRI_CONFIG_FILE: exit 1', async () => {
    const r = await runCli(['version'], { env: { CRI_CONFIG_FILE: '/tmp/tcrictl-no-such.yaml' } });
    assertCleanFailure(r, 1, /tcrictl-no-such\.yaml/);
  });

  it('an invalid -c file: exit 1, names the bad key', async () => {
    const root = makeHostRoot();
    const p = writeHostFile(root, 'bad.yaml', 'bogus-key: 1\n');
    const r = await runCli(['-c', p, 'version']);
    assertCleanFailure(r, 1, /'bogus-key' is not valid/);
  });

  it('a bad -t: exit 1', async () => {
    const r = await runCli(['version', '-t', 'soon']);
    assertCleanFailure(r, 1, /-t\/--timeout: invalid duration "soon"/);
  });

  it('a bad -t before the command: exit 1', async () => {
    const r = await runCli(['-t', '5x', 'version']);
    assertCleanFailure(r, 1, /invalid duration "5x"/);
  });

  it('an unknown flag: exit 1, one line, no stack', async () => {
    const r = await runCli(['version', '--bogus']);
    assertCleanFailure(r, 1, /--bogus/);
  });

  it('tcp:// is refused clearly: exit 1', async () => {
    const r = await runCli(['version', '-r', 'tcp://127.0.0.1:2375']);
    assertCleanFailure(r, 1, /tcp endpoints are not supported/);
  });

  it('an empty -r means unset, as in crictl: the runtime is auto-detected', async () => {
    const f = await fake({ version: { runtimeName: 'detected' } });
    for (const argv of [['version', '-r', ''], ['--runtime-endpoint=', 'version']]) {
      const r = await runCli(argv, { env: { TCRICTL_ENDPOINTS: f.endpoint } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /RuntimeName:  detected/);
    }
  });

  it('global flags after the command and its args (version -r X)', async () => {
    const f = await fake();
    const r = await runCli(['version', '-r', f.endpoint, '-t', '5s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Version:  0\.1\.0\nRuntimeName:  fakecri\nRuntimeVersion:  v9\.9\.9\nRuntimeApiVersion:  v1\n$/);
  });

  it('global flags before the command (-r X -t 5s -D version)', async () => {
    const f = await fake();
    const r = await runCli(['-r', f.endpoint, '-t', '5s', '-D', 'version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /RuntimeName:  fakecri/);
    assert.match(r.stderr, /debug: .*connecting to unix:\/\//);
  });

  it('--runtime-endpoint=X before the command', async () => {
    const f = await fake();
    const r = await runCli([`--runtime-endpoint=${f.endpoint}`, 'version']);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('where the endpoint comes from', () => {
  it('flag > CONTAINER_RUNTIME_ENDPOINT > config file', async () => {
    const [a, b, c] = await Promise.all(['from-config', 'from-env', 'from-flag'].map((n) => fake({ version: { runtimeName: n } })));
    const root = makeHostRoot();
    writeHostFile(root, 'etc/crictl.yaml', `runtime-endpoint: ${a.endpoint}\n`);
    const name = async (args: string[], env: Record<string, string> = {}) => {
      const r = await runCli(args, { hostRoot: root, env });
      assert.equal(r.code, 0, r.stderr);
      return /RuntimeName:  (\S+)/.exec(r.stdout)?.[1];
    };
    assert.equal(await name(['version']), 'from-config');
    assert.equal(await name(['version'], { CONTAINER_RUNTIME_ENDPOINT: b.endpoint }), 'from-env');
    assert.equal(await name(['version', '-r', c.endpoint], { CONTAINER_RUNTIME_ENDPOINT: b.endpoint }), 'from-flag');
  });

  it('images: -i / IMAGE_SERVICE_ENDPOINT name the image service; without them it is the runtime endpoint', async () => {
    const runtime = await fake();
    const images = await fake({ workload: { pods: [], containers: [], images: [...defaultImages(), { ...defaultImages()[0], id: `sha256:${'e'.repeat(64)}`, repoTags: ['only-on-image-service:1'] }] } });
    const tags = async (args: string[], env: Record<string, string> = {}) => {
      const r = await runCli(['images', ...args], { env });
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    assert.doesNotMatch(await tags(['-r', runtime.endpoint]), /only-on-image-service/);
    assert.match(await tags(['-r', runtime.endpoint, '-i', images.endpoint]), /only-on-image-service/);
    assert.match(await tags(['-r', runtime.endpoint], { IMAGE_SERVICE_ENDPOINT: images.endpoint }), /only-on-image-service/);
    assert.ok(images.calls.includes('ListImages'));
  });

  it('/etc/crictl.yaml under the host root is honoured, and nothing is probed', async () => {
    const good = await fake({ version: { runtimeName: 'configured' } });
    const other = await fake({ version: { runtimeName: 'candidate' } });
    const root = makeHostRoot();
    writeHostFile(root, 'etc/crictl.yaml', `runtime-endpoint: ${good.endpoint}\ntimeout: 3\n`);
    const r = await runCli(['version'], { hostRoot: root, env: { TCRICTL_ENDPOINTS: other.endpoint } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /RuntimeName:  configured/);
    assert.deepEqual(other.calls, []);
  });

  it('a broken default /etc/crictl.yaml is ignored with one warning (as crictl ignores it)', async () => {
    const f = await fake();
    const root = makeHostRoot();
    writeHostFile(root, 'etc/crictl.yaml', 'bogus-key: 1\n');
    const r = await runCli(['version', '-r', f.endpoint], { hostRoot: root });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lines(r.stderr).length, 1);
    assert.match(r.stderr, /warning: .*bogus-key/);
  });

  it('-c names a config in another place', async () => {
    const f = await fake({ version: { runtimeName: 'via-c' } });
    const dir = makeHostRoot();
    const p = path.join(dir, 'my.yaml');
    fs.writeFileSync(p, `runtime-endpoint: ${f.endpoint}\n`);
    const r = await runCli(['-c', p, 'version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /RuntimeName:  via-c/);
  });
});

describe('the client factory seam (BaseCommand.connectionFactory)', () => {
  it('images with -i dials only the image endpoint, once', async () => {
    const runtime = await fake();
    const images = await fake();
    const dialled: string[] = [];
    const r = await runInProcess(['images', '-q', '-r', runtime.endpoint, '-i', images.endpoint], {
      env: { TCRICTL_HOST_ROOT: makeHostRoot() },
      connectionFactory: (endpoint, timeoutMs) => {
        dialled.push(endpoint);
        return new Connection(endpoint, timeoutMs);
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, defaultImages().length);
    assert.deepEqual(dialled, [images.endpoint]);
    assert.deepEqual(runtime.calls, []);
  });

  it('ps -o table writes through the injected stdout, nothing to stderr', async () => {
    const f = await fake();
    const r = await runCli(['ps', '-a', '-r', f.endpoint]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^CONTAINER {11}IMAGE {21,}CREATED/);
  });
});

describe('flag values crictl refuses or that make no sense (issues 10 and 12)', () => {
  it('a negative -t is a usage error; -t 0 means the default', async () => {
    const f = await fake();
    assertCleanFailure(await runCli(['-t', '-1', 'version', '-r', f.endpoint]), 1, /^tcrictl: -t\/--timeout: "-1" is negative$/);
    assertCleanFailure(await runCli(['version', '-r', f.endpoint, '--timeout=-2s']), 1, /"-2s" is negative/);
    const zero = await runCli(['version', '-r', f.endpoint, '-t', '0']);
    assert.equal(zero.code, 0, zero.stderr);
  });

  it('negative counts are usage errors: --last -5, --tail -2, --limit-bytes -3', async () => {
    const f = await fake();
    assertCleanFailure(await runCli(['ps', '-r', f.endpoint, '--last', '-5']), 1, /--last: expected an integer greater than or equal to 0 but received: -5/);
    assertCleanFailure(await runCli(['pods', '-r', f.endpoint, '-n', '-1']), 1, /--last: expected an integer greater than or equal to 0/);
    assertCleanFailure(await runCli(['logs', '-r', f.endpoint, '--tail', '-2', 'app']), 1, /--tail: expected an integer greater than or equal to -1 but received: -2/);
    assertCleanFailure(await runCli(['logs', '-r', f.endpoint, '--limit-bytes', '-3', 'app']), 1, /--limit-bytes: expected an integer greater than or equal to -1/);
    assert.deepEqual(f.calls, [], 'nothing was asked of the runtime');
  });

  it('--tail -1 is crictl\'s "all lines", not an error', async () => {
    const file = path.join(makeHostRoot(), '0.log');
    fs.writeFileSync(file, ['a', 'b', 'c'].map((l) => `2024-01-01T00:00:00.000000000Z stdout F ${l}\n`).join(''));
    const f = await fake({ overrides: { ContainerStatus: { respond: (req: { containerId: string }) => ({ status: { id: req.containerId, metadata: { name: 'app', attempt: 0 }, state: 'CONTAINER_EXITED', createdAt: '1', startedAt: '1', finishedAt: '2', logPath: file, labels: {}, annotations: {}, mounts: [] }, info: {} }) } } });
    const r = await runCli(['logs', '-r', f.endpoint, '--tail', '-1', 'app']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'a\nb\nc\n');
  });

  it('logs --tail app names the missing value of --tail, not a missing container', async () => {
    const r = await runCli(['logs', '--tail', 'app']);
    assertCleanFailure(r, 1, /^tcrictl: --tail: expected an integer but received: app$/);
  });

  it('a mistyped --state gets a hint like every other error', async () => {
    const f = await fake();
    const ps = await runCli(['ps', '-r', f.endpoint, '--state', 'runing']);
    assertCleanFailure(ps, 1, /--state should be one of created, running, exited or unknown/);
    assert.match(ps.stderr, /\n  hint: did you mean --state running\?\n$/);
    const pods = await runCli(['pods', '-r', f.endpoint, '-s', 'redy']);
    assertCleanFailure(pods, 1, /--state should be ready or notready/);
    assert.match(pods.stderr, /hint: did you mean --state ready\?/);
    assert.match((await runCli(['ps', '-r', f.endpoint, '-s', 'zzzzzzz'])).stderr, /hint: e\.g\. --state created/);
  });

  it('-t 1ns: the timeout is named as Go names it, not as 9.999999999999999e-10s', async () => {
    const f = await fake({ overrides: { Version: { hang: true } } });
    const r = await runCli(['version', '-r', f.endpoint, '-t', '1ns']);
    assertCleanFailure(r, 1, /within 1ns$/);
  });
});

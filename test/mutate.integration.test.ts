/**
 * The mutating commands' pieces that need no real runtime: `config` on a
 * crictl.yaml (atomic, comments kept, bad input changes nothing) and pull's
 * credentials kept out of the process list (against the fake server).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeHostRoot, runCli } from './fake/cli';
import { startFakeCri, type FakeCri } from './fake/fake-cri';

const dir = makeHostRoot();
const fakes: FakeCri[] = [];
after(async () => {
  for (const f of fakes) await f.stop();
});

describe('config', () => {
  it('--set keeps comments and order and appends new keys; --get and --list read them back', async () => {
    const file = path.join(dir, 'crictl.yaml');
    fs.writeFileSync(file, '# node settings\nruntime-endpoint: unix:///run/x.sock # mine\ntimeout: 3\n');
    let r = await runCli(['-c', file, 'config', '--set', 'timeout=7,debug=true']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(file, 'utf8'), '# node settings\nruntime-endpoint: unix:///run/x.sock # mine\ntimeout: 7\ndebug: true\n');
    r = await runCli(['-c', file, 'config', '--get', 'timeout']);
    assert.equal(r.stdout, '7\n');
    r = await runCli(['-c', file, 'config', 'image-endpoint', 'unix:///run/y.sock']);
    assert.equal(r.code, 0, r.stderr);
    r = await runCli(['-c', file, 'config', '--list']);
    const rows = r.stdout.trim().split('\n').map((l) => l.split(/ {2,}/));
    assert.deepEqual(rows, [
      ['KEY', 'VALUE'],
      ['runtime-endpoint', 'unix:///run/x.sock'],
      ['image-endpoint', 'unix:///run/y.sock'],
      ['timeout', '7'],
      ['debug', 'true'],
      ['pull-image-on-create', 'false'],
      ['disable-pull-on-run', 'false'],
      ['max-retries', '0'],
    ]);
    assert.equal(r.stdout.includes('\x1b'), false, 'no clear-screen into a pipe');
  });

  it('a bad key or value is a usage error and leaves the file byte for byte', async () => {
    const file = path.join(dir, 'keep.yaml');
    const text = 'timeout: 3\n';
    fs.writeFileSync(file, text);
    for (const args of [['--set', 'debug=true,bogus=1'], ['--set', 'timeout=soon'], ['--set', 'debug'], ['--get', 'nope']]) {
      const r = await runCli(['-c', file, 'config', ...args]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^tcrictl: (no configuration option named|parsing config option|incorrectly specified option)/);
      assert.equal(fs.readFileSync(file, 'utf8'), text);
    }
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.includes('.tmp')), []);
  });

  it('creates a missing file (mode 0600); no arguments shows help', async () => {
    const file = path.join(dir, 'sub', 'new.yaml');
    const r = await runCli(['-c', file, 'config', '--set', 'pull-image-on-create=true']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(file, 'utf8'), 'pull-image-on-create: true\n');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const help = await runCli(['-c', file, 'config']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Get, set and list crictl configuration options/);
  });
});

describe('pull credentials', () => {
  it('--creds never shows in the process list while the pull runs', async () => {
    const f = await startFakeCri({ overrides: { PullImage: { hang: true } } });
    fakes.push(f);
    const secret = 'Sekr1t-in-argv';
    let cmdline = '';
    const r = await runCli(['pull', '--creds', `bob:${secret}`, 'example.com/app:1', '-r', f.endpoint], {
      onSpawn: (child) => {
        void f.waitForCall('PullImage').then(() => {
          cmdline = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
          child.kill('SIGINT');
        });
      },
    });
    assert.equal(r.code, 130);
    assert.ok(cmdline.length > 0);
    assert.equal(cmdline.includes(secret), false, cmdline);
    assert.equal(r.stderr.includes(secret), false);
    const req = f.requests.find((x) => x.method === 'PullImage')!.request;
    assert.deepEqual([req.auth.username, req.auth.password], ['bob', secret]);
  });
});

/**
 * The CLI as a user runs it (a subprocess), against the in-process fake CRI
 * server: what needs a real process — timeouts and hangs, Ctrl-C, piped stdin,
 * oclif's own output (help, --version, unknown commands). The rest runs in
 * process (cli-inprocess.integration.test.ts). TCRICTL_HOST_ROOT is an empty
 * temp dir, so the host's own sockets and /etc/crictl.yaml are never read.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { binPath, cliEnv, collectOutput, runCli, STACK_LINE, type CliResult } from './fake/cli';
import { fakeRuntimes } from './support/fakes';

const fake = fakeRuntimes();

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

/** A failure a user can read: finished, exit code, ≤ 2 lines (message + hint), no stack trace, nothing on stdout. */
function assertCleanFailure(r: CliResult, exitCode: number, message: RegExp): void {
  assert.equal(r.hung, false, 'tcrictl hung and had to be killed');
  assert.equal(r.code, exitCode, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const ls = lines(r.stderr);
  assert.ok(ls.length >= 1 && ls.length <= 2, `one message line and an optional hint, got:\n${r.stderr}`);
  assert.match(ls[0], /^tcrictl: /);
  assert.match(ls[0], message);
  if (ls[1]) assert.match(ls[1], /^  hint: /);
  assert.doesNotMatch(r.stderr, STACK_LINE);
}

describe('a runtime that never answers', () => {
  it('a hanging Version fails after -t 500ms, naming the timeout', async () => {
    const f = await fake({ overrides: { Version: { hang: true } } });
    const r = await runCli(['version', '-r', f.endpoint, '-t', '500ms']);
    assertCleanFailure(r, 1, /did not answer Version within 500ms/);
    assert.ok(r.stderr.includes(f.endpoint));
    assert.match(r.stderr, /-t\/--timeout/);
  });

  it('a server that accepts and never speaks HTTP/2 fails after the timeout too', async () => {
    const f = await fake({ mode: 'silent' });
    const r = await runCli(['version', '-r', f.endpoint, '-t', '500ms']);
    assertCleanFailure(r, 1, /did not answer Version within 500ms/);
    assert.ok(f.calls.includes('(connection)'), 'tcrictl did connect');
  });

  it('plain seconds work as a timeout (-t 1)', async () => {
    const f = await fake({ overrides: { Version: { hang: true } } });
    const r = await runCli(['-t', '1', 'version', '-r', f.endpoint]);
    assertCleanFailure(r, 1, /within 1s/);
  });

  it('a slow answer inside the timeout is fine', async () => {
    const f = await fake({ overrides: { Version: { delayMs: 200 } } });
    const r = await runCli(['version', '-r', f.endpoint, '-t', '10s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /RuntimeName:  fakecri/);
  });

  it('Ctrl-C during a hanging call exits at once with a short message', async () => {
    const f = await fake({ overrides: { Version: { hang: true } } });
    const r = await runCli(['version', '-r', f.endpoint, '-t', '10m'], {
      onSpawn: (child) => void f.waitForCall('Version').then(() => child.kill('SIGINT')),
    });
    assert.equal(r.hung, false, 'Ctrl-C did not end tcrictl');
    assert.equal(r.code, 130, r.stderr);
    assert.equal(r.stderr, 'tcrictl: interrupted\n');
  });

  it('Ctrl-C while probing candidates (auto-detection) exits at once', async () => {
    const f = await fake({ overrides: { Version: { hang: true } } });
    const r = await runCli(['version', '-t', '10m'], {
      env: { TCRICTL_ENDPOINTS: f.endpoint },
      killAfterMs: 20_000,
      onSpawn: (child) => void f.waitForCall('Version').then(() => child.kill('SIGINT')),
    });
    assert.equal(r.hung, false, 'Ctrl-C did not end tcrictl during endpoint detection');
    assert.equal(r.code, 130, r.stderr);
    assert.equal(r.stderr, 'tcrictl: interrupted\n');
  });
});

describe('what only a real process shows', () => {
  it('a mistyped command names the one that was meant: one line + hint, exit 1', async () => {
    const r = await runCli(['pss']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "tcrictl: command pss not found\n  hint: did you mean 'tcrictl ps'? run 'tcrictl --help' for the list of commands\n");
  });

  it("a flag where the command goes: crictl's answer, the help on stdout and Go's words on stderr, exit 1", async () => {
    for (const argv of [['--invalid'], ['--runtime-endpoint=', '--invalid'], ['-r', 'unix:///x.sock', '--bad=3', 'ps']]) {
      const r = await runCli(argv);
      assert.equal(r.code, 1, argv.join(' '));
      assert.match(r.stdout, /^NAME\n {2}tcrictl - client for CRI\n/);
      assert.match(r.stdout, /GLOBAL OPTIONS/);
      assert.equal(r.stderr.split('\n')[0], `tcrictl: flag provided but not defined: -${argv.includes('--invalid') ? 'invalid' : 'bad'}`);
    }
  });

  it("rm, rmi and rmp without IDs print their help with crictl's usage line, exit 0, no connection", async () => {
    for (const [cmd, word] of [['rm', 'CONTAINER-ID'], ['rmi', 'IMAGE-ID'], ['rmp', 'POD-ID']]) {
      const r = await runCli([cmd, '-r', 'unix:///nonexistent.sock']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.match(r.stdout.replace(/\s+/g, ' '), new RegExp(`\\$ tcrictl ${cmd} command \\[command options\\] ${word} \\[${word}\\.\\.\\.\\]`));
    }
  });

  it('a command far from every known one gets no guess', async () => {
    const r = await runCli(['zzzzzz']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "tcrictl: command zzzzzz not found\n  hint: run 'tcrictl --help' for the list of commands\n");
  });

  it('a mistyped flag names the one that was meant (ps --al)', async () => {
    const r = await runCli(['ps', '--al']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "tcrictl: Nonexistent flag: --al\n  hint: did you mean --all? see 'tcrictl ps --help'\n");
  });

  /** Runs tcrictl with `input` piped to its stdin. */
  const withStdin = (argv: string[], input: string) => {
    const child = spawn(process.execPath, [binPath(), ...argv], { env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin!.end(input);
    return collectOutput(child, 20_000);
  };

  it('piped stdin is never read as a missing argument: logs says the container is missing', async () => {
    const r = await withStdin(['logs'], 'app\n');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "tcrictl: missing argument container (Container ID, unique ID prefix or name.)\n  hint: see 'tcrictl logs --help'\n");
  });

  it('piped stdin is never read as a missing argument: inspect without IDs still shows every container', async () => {
    const f = await fake();
    const piped = await withStdin(['inspect', '-r', f.endpoint], 'job\n');
    const plain = await runCli(['inspect', '-r', f.endpoint]);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, plain.stdout);
  });

  it('piped stdin is never read as a missing argument: help shows the command list', async () => {
    const r = await withStdin(['help'], 'ps\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\n  tcrictl - client for CRI\n[^]*\nCOMMANDS\n/);
  });

  it('--version is oclif\'s', async () => {
    const r = await runCli(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^tcrictl\/\d+\.\d+\.\d+ linux-\w+ node-v\d+/);
  });
});

describe("crictl's top level (issue 10): help and version as crictl spells them", () => {
  it('tcrictl, help, -h and --help print the same root help: a NAME line first, the global options last', async () => {
    const outs = await Promise.all([[], ['help'], ['-h'], ['--help']].map((a) => runCli(a)));
    for (const r of outs) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, outs[0].stdout);
    }
    const text = outs[0].stdout;
    assert.match(text, /^NAME\n  tcrictl - client for CRI\n/);
    const globals = text.slice(text.indexOf('GLOBAL OPTIONS'));
    assert.ok(text.indexOf('GLOBAL OPTIONS') > text.indexOf('COMMANDS'), 'global options after the commands');
    for (const flag of ['-c, --config', '-D, --debug', '-h, --help', '-i, --image-endpoint', '-r, --runtime-endpoint', '-t, --timeout', '-v, --version']) {
      assert.ok(globals.includes(flag), `${flag} missing from GLOBAL OPTIONS`);
    }
  });

  it('global flags before help and -h are accepted and change nothing', async () => {
    const plain = await runCli(['--help']);
    for (const argv of [['-r', 'unix:///x.sock', 'help'], ['-r', 'unix:///x.sock', '-h'], ['-D', '-t', '5s', '--help'], ['-r', 'unix:///x.sock']]) {
      const r = await runCli(argv);
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, plain.stdout, argv.join(' '));
    }
  });

  it('help ps -r X, tcrictl -r X help ps and ps -h show ps --help', async () => {
    const want = await runCli(['ps', '--help']);
    assert.match(want.stdout, /^List containers\./);
    for (const argv of [['help', 'ps', '-r', 'X'], ['-r', 'X', 'help', 'ps'], ['ps', '-h'], ['help', 'ps', '--timeout=5s']]) {
      const r = await runCli(argv);
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, want.stdout, argv.join(' '));
    }
  });

  it('-v prints the version, as --version does', async () => {
    const [v, version] = await Promise.all([runCli(['-v']), runCli(['--version'])]);
    assert.equal(v.code, 0);
    assert.equal(v.stdout, version.stdout);
    assert.match(v.stdout, /^tcrictl\/\d+\.\d+\.\d+ /);
  });
});

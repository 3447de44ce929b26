/**
 * `tcrictl completion bash|zsh`: the scripts are driven by the real shells.
 * bash: COMP_WORDS/COMP_CWORD set by hand, then the completion function;
 * IDs come from a stub "tcrictl" (the first word on the line) that records
 * how it was called. zsh: syntax check and the ID helper with compadd stubbed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildModel, idKindOf } from '../src/completion/model';

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'run.js');

function tcrictl(args: string[]): string {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, TCRICTL_HOST_ROOT: '/nonexistent-host' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

describe('completion model', () => {
  it('reads the ID kind from argument names and help', () => {
    assert.equal(idKindOf('ids', 'CONTAINER-ID... (full ID, unique prefix or name)'), 'containers');
    assert.equal(idKindOf('id', 'Pod ID, unique ID prefix or name (same as --id).'), 'pods');
    assert.equal(idKindOf('ids', 'IMAGE-ID... (reference, ID or unique ID prefix)'), 'images');
    assert.equal(idKindOf('command', 'The command and its arguments.'), undefined);
  });

  it('lets a command flag keep a short name that a global flag also has', () => {
    const m = buildModel('tcrictl', [
      {
        id: 'exec',
        strict: false,
        args: { container: { name: 'container', description: 'Container ID' } },
        flags: {
          interactive: { name: 'interactive', char: 'i', type: 'boolean' },
          'image-endpoint': { name: 'image-endpoint', char: 'i', type: 'option', helpGroup: 'GLOBAL' },
          output: { name: 'output', char: 'o', type: 'option', summary: 'Output format, one of: json|yaml|table.' },
        },
      },
    ]);
    const flags = Object.fromEntries(m.commands[0].flags.map((f) => [f.name, f]));
    assert.equal(flags.interactive.char, 'i');
    assert.equal(flags['image-endpoint'].char, undefined);
    assert.deepEqual(flags.output.values, ['json', 'yaml', 'table']);
    assert.deepEqual(m.commands[0].args, ['containers']);
    assert.deepEqual(m.globalFlags.map((f) => f.name), ['image-endpoint']);
  });
});

describe('tcrictl completion bash', () => {
  let dir: string;
  let script: string;
  let stub: string;
  let calls: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-comp-'));
    script = path.join(dir, 'tcrictl.bash');
    fs.writeFileSync(script, tcrictl(['completion', 'bash']));
    calls = path.join(dir, 'calls');
    stub = path.join(dir, 'tcrictl');
    // Prints IDs like the real quiet listings, and records its argv.
    fs.writeFileSync(
      stub,
      `#!/bin/sh\necho "$*" >> ${calls}\ncase " $* " in\n  *" ps "*) printf 'aaa111\\nabc222\\nbbb333\\n' ;;\n  *" pods "*) printf 'pod111\\npod222\\n' ;;\n  *" images "*) printf 'sha256:img1\\n' ;;\nesac\n`,
    );
    fs.chmodSync(stub, 0o755);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The words bash would offer for this line (the last word is the one being completed). */
  function complete(...words: string[]): string[] {
    const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
    const prog = `source ${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; COMPREPLY=()\n_tcrictl\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['--norc', '-c', prog], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  }

  it('is valid bash', () => {
    const r = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('completes command names, including aliases and completion itself', () => {
    const all = complete('tcrictl', '');
    for (const c of ['ps', 'pods', 'images', 'img', 'inspect', 'version', 'completion']) assert.ok(all.includes(c), `${c} missing from ${all.join(' ')}`);
    assert.deepEqual(complete('tcrictl', 'p'), ['pods', 'port-forward', 'ps', 'pull']);
    assert.deepEqual(complete('tcrictl', '-r', '/x.sock', 'ver'), ['version'], 'a global flag and its value before the command');
  });

  it("completes a command's flags and their values", () => {
    assert.deepEqual(complete('tcrictl', 'ps', '--no-'), ['--no-trunc']);
    assert.deepEqual(complete('tcrictl', 'ps', '-o', ''), ['json', 'yaml', 'table']);
    assert.deepEqual(complete('tcrictl', 'ps', '--output', '=', 'y'), ['yaml']);
    assert.ok(complete('tcrictl', '--').includes('--runtime-endpoint'));
  });

  it('offers container IDs from `ps -a -q`, passing the endpoint already typed and a timeout', () => {
    fs.rmSync(calls, { force: true });
    assert.deepEqual(complete(stub, '-r', 'unix:///run/x.sock', 'inspect', 'a'), ['aaa111', 'abc222']);
    const argv = fs.readFileSync(calls, 'utf8').trim();
    assert.equal(argv, '-r unix:///run/x.sock ps -a -q -t 2s');
  });

  it('offers pod IDs for inspectp and ps --pod, and IDs again after the first for variadic commands', () => {
    assert.deepEqual(complete(stub, 'inspectp', ''), ['pod111', 'pod222']);
    assert.deepEqual(complete(stub, 'ps', '--pod', 'pod2'), ['pod222']);
    assert.deepEqual(complete(stub, 'inspect', 'aaa111', 'b'), ['bbb333']);
  });

  it('offers nothing after exec CONTAINER (the command is free-form) and nothing when the runtime is silent', () => {
    assert.deepEqual(complete(stub, 'exec', 'aaa111', ''), []);
    assert.deepEqual(complete('/bin/false', 'logs', ''), []);
  });
});

describe('tcrictl completion zsh', { skip: have('zsh') ? false : 'zsh is not installed (apt-get install zsh)' }, () => {
  let dir: string;
  let script: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcrictl-compz-'));
    script = path.join(dir, '_tcrictl');
    fs.writeFileSync(script, tcrictl(['completion', 'zsh']));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is valid zsh and starts with #compdef', () => {
    const r = spawnSync('zsh', ['-n', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(script, 'utf8'), /^#compdef tcrictl\n/);
  });

  it('describes every command with its summary', () => {
    const text = fs.readFileSync(script, 'utf8');
    assert.match(text, /'ps:List containers\.'/);
    assert.match(text, /^ {6}inspectp\)$/m);
  });

  it("asks the runtime for IDs with the user's endpoint (colons unquoted) and hands them to compadd", () => {
    const stub = path.join(dir, 'stub');
    fs.writeFileSync(stub, `#!/bin/sh\necho "ARGV $*"\n`);
    fs.chmodSync(stub, 0o755);
    const prog = [
      `source ${script} 2>/dev/null`,
      'compadd() { print -r -- "COMPADD $@ -> ${(P)${@[-1]}}" }',
      'typeset -A opt_args _tcrictl_opts',
      "opt_args=(-r 'unix\\:///run/x.sock')",
      `_tcrictl_bin=${stub}`,
      '_tcrictl_ids -J -default- containers',
    ].join('\n');
    const r = spawnSync('zsh', ['-f', '-c', prog], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /COMPADD -J -default- -a ids -> ARGV -r unix:\/\/\/run\/x\.sock -t 2s ps -a -q/);
  });
});

/**
 * exec's argv: the remote command is never parsed as tcrictl flags, and
 * global flags typed before `exec` keep their meaning despite sharing letters
 * with exec's own flags.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../src/cli/cli-error';
import { collidingBefore, normalizeMovedGlobals, protectExecTail, splitExecArgv } from '../src/streaming/exec-argv';

describe('splitExecArgv', () => {
  it('takes everything after the container as the command, dashes included', () => {
    const x = splitExecArgv(['app', 'sh', '-c', 'exit 3']);
    assert.equal(x.container, 'app');
    assert.deepEqual(x.command, ['sh', '-c', 'exit 3']);
    assert.deepEqual(x.globals, []);
  });

  it('reads exec flags before the container, combined or not', () => {
    const x = splitExecArgv(['-it', 'app', 'sh']);
    assert.equal(x.interactive, true);
    assert.equal(x.tty, true);
    assert.equal(x.sync, false);
    const y = splitExecArgv(['-s', '--timeout', '5', 'app', 'ls', '-l']);
    assert.equal(y.sync, true);
    assert.equal(y.timeout, '5');
    assert.deepEqual(y.command, ['ls', '-l']);
    assert.equal(splitExecArgv(['--timeout=7', '-s', 'app', 'x']).timeout, '7');
    assert.equal(splitExecArgv(['--interactive', '--tty', 'app', 'x']).tty, true);
  });

  it('accepts -- before the command and before the container', () => {
    assert.deepEqual(splitExecArgv(['app', '--', 'sh', '-c', 'x']).command, ['sh', '-c', 'x']);
    const x = splitExecArgv(['-i', '--', 'app', '--', '-weird']);
    assert.equal(x.container, 'app');
    assert.deepEqual(x.command, ['-weird']);
    assert.deepEqual(splitExecArgv(['app', 'echo', '--']).command, ['echo', '--']);
  });

  it('passes global flags after exec to oclif: -r, -c, -D and long forms', () => {
    const x = splitExecArgv(['-r', 'unix:///a.sock', '-D', '--config=/c.yaml', '-s', 'app', 'true']);
    assert.deepEqual(x.globals, ['-r', 'unix:///a.sock', '-D', '--config=/c.yaml']);
    assert.equal(x.sync, true);
    assert.deepEqual(splitExecArgv(['-runix:///b', 'app', 'x']).globals, ['-runix:///b']);
  });

  it('reads -t, -i and --timeout after exec as exec flags, unless they were typed before exec', () => {
    const plain = splitExecArgv(['-t', '5s', 'app', 'x']);
    assert.equal(plain.tty, true);
    assert.equal(plain.container, '5s');
    // `tcrictl -t 5s -i unix:///img exec -it app sh` → argv.ts moves the globals after exec
    const before = collidingBefore(['-t', '5s', '-i', 'unix:///img', 'exec', '-it', 'app', 'sh'], 'exec');
    assert.deepEqual(before, { timeout: 1, image: 1 });
    const moved = splitExecArgv(['-t', '5s', '-i', 'unix:///img', '-it', 'app', 'sh'], before);
    assert.deepEqual(moved.globals, ['-t', '5s', '-i', 'unix:///img']);
    assert.equal(moved.tty, true);
    assert.equal(moved.interactive, true);
    const timeouts = splitExecArgv(['--timeout=5s', '-s', '--timeout', '3', 'app', 'sleep', '9'], { timeout: 1, image: 0 });
    assert.deepEqual(timeouts.globals, ['--timeout=5s']);
    assert.equal(timeouts.timeout, '3');
  });

  it('notes --help and -h before the container, and rejects unknown flags', () => {
    assert.equal(splitExecArgv(['--help']).help, true);
    assert.equal(splitExecArgv(['-h', 'app', 'x']).help, true);
    assert.equal(splitExecArgv(['app', 'ls', '--help']).help, false);
    assert.throws(() => splitExecArgv(['--bogus', 'app', 'x']), UsageError);
    assert.throws(() => splitExecArgv(['-r']), UsageError);
  });

  it('has no container or command when they are missing', () => {
    assert.equal(splitExecArgv([]).container, undefined);
    assert.deepEqual(splitExecArgv(['-s', 'app']).command, []);
  });
});

describe('collidingBefore', () => {
  it('counts only global flags before the command word', () => {
    assert.deepEqual(collidingBefore(['-D', '-t5s', '--timeout', '2s', 'exec', '-t'], 'exec'), { timeout: 2, image: 0 });
    assert.deepEqual(collidingBefore(['exec', '-t', 'app'], 'exec'), { timeout: 0, image: 0 });
    assert.deepEqual(collidingBefore(['--test-reporter=spec', 'x.js'], 'exec'), { timeout: 0, image: 0 });
    assert.deepEqual(collidingBefore(['-t', '5s', 'logs'], 'exec'), { timeout: 0, image: 0 });
  });
});

describe('normalizeMovedGlobals', () => {
  it('rewrites the moved global -t to --timeout=, leaving the command\'s -t alone', () => {
    assert.deepEqual(normalizeMovedGlobals(['-t', '5s', '-t', '--tail', '1', 'app'], { timeout: 1, image: 0 }), ['--timeout=5s', '-t', '--tail', '1', 'app']);
    assert.deepEqual(normalizeMovedGlobals(['-t2s', 'app'], { timeout: 1, image: 0 }), ['--timeout=2s', 'app']);
    assert.deepEqual(normalizeMovedGlobals(['-t', 'app'], { timeout: 0, image: 0 }), ['-t', 'app']);
  });
});

describe('protectExecTail', () => {
  it('puts -- before a remote command that contains --help', () => {
    assert.deepEqual(protectExecTail(['exec', '-r', 'X', 'app', 'ls', '--help']), ['exec', '-r', 'X', 'app', '--', 'ls', '--help']);
    assert.deepEqual(protectExecTail(['exec', 'app', '--', 'ls', '--help']), ['exec', 'app', '--', 'ls', '--help']);
  });

  it('leaves exec --help, other commands and commands without --help alone', () => {
    assert.deepEqual(protectExecTail(['exec', '--help']), ['exec', '--help']);
    assert.deepEqual(protectExecTail(['ps', 'x', '--help']), ['ps', 'x', '--help']);
    assert.deepEqual(protectExecTail(['exec', 'app', 'sh', '-c', 'x']), ['exec', 'app', 'sh', '-c', 'x']);
  });
});

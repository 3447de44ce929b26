import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '../src/cri/status';
import { CliError, EXIT_INTERRUPTED, ExitCode, UsageError } from '../src/cli/cli-error';
import { reportError, type ReportContext } from '../src/cli/errors';
import { CONNECTION_LOST, fromGrpcError, rpcFailure } from '../src/cli/grpc-errors';
import { RpcError } from '../src/cri/rpc-error';
import { InputError } from '../src/cri/input-error';
import { STACK_LINE } from './fake/cli';

const EP = 'unix:///run/containerd/containerd.sock';
const dial = (errno: string, p = '/run/containerd/containerd.sock') =>
  `No connection established. Last error: Error: connect ${errno} ${p}. Resolution note: `;

/** Runs reportError, capturing stderr and the exit code it sets; restores both. */
function report(err: unknown, ctx: ReportContext = {}): { stderr: string; exitCode: number | undefined } {
  const write = process.stderr.write;
  const savedCode = process.exitCode;
  let stderr = '';
  process.exitCode = undefined;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    reportError(err, ctx);
    return { stderr, exitCode: process.exitCode as number | undefined };
  } finally {
    process.stderr.write = write;
    process.exitCode = savedCode;
  }
}

describe('rpcFailure: grpc-js failures in the words tcrictl reports', () => {
  const f = (code: number | undefined, details: string) => rpcFailure({ name: 'Error', message: details, code, details }, 'Version');
  it('a failed dial is the socket error, without grpc-js\'s wrapping and timestamps', () => {
    assert.deepEqual(f(status.UNAVAILABLE, dial('ENOENT')), { code: status.UNAVAILABLE, details: 'connect ENOENT /run/containerd/containerd.sock' });
    assert.deepEqual(f(status.UNAVAILABLE, 'No connection established. Last error: Protocol error (2026-12-02T18:46:53.606Z). Resolution note: '), { code: status.UNAVAILABLE, details: 'Protocol error' });
    assert.deepEqual(f(status.UNAVAILABLE, 'Connection dropped'), { code: status.UNAVAILABLE, details: 'Connection dropped' });
  });
  it('a deadline is just "Deadline exceeded"', () => {
    assert.deepEqual(f(status.DEADLINE_EXCEEDED, 'Deadline exceeded after 0.803s,name resolution: 0.001s,Waiting for LB pick'), { code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' });
  });
  it('the size limit reads as before ("vs.")', () => {
    assert.equal(f(status.RESOURCE_EXHAUSTED, 'Received message larger than max (5000 vs 1000)').details, 'Received message larger than max (5000 vs. 1000)');
  });
  it('a response the decoder rejects names the call; an error without a code is INTERNAL', () => {
    assert.deepEqual(f(status.INTERNAL, 'Response message parsing error: index out of range: 3 + 10 > 5'), { code: status.INTERNAL, details: 'cannot decode the Version response: index out of range: 3 + 10 > 5' });
    assert.deepEqual(f(undefined, 'Received compressed message but "grpc-encoding" header was identity'), { code: status.INTERNAL, details: 'Received compressed message but "grpc-encoding" header was identity' });
  });
  it('other failures keep the runtime\'s words', () => {
    assert.deepEqual(f(status.NOT_FOUND, 'container "x" not found'), { code: status.NOT_FOUND, details: 'container "x" not found' });
  });
});

describe('fromGrpcError', () => {
  const ctx = { endpoint: EP, method: 'ListContainers', timeoutMs: 500 };

  it('missing socket: says it does not exist and how to fix it', () => {
    const e = fromGrpcError({ name: 'E', message: '', code: status.UNAVAILABLE, details: dial('ENOENT') }, ctx);
    assert.equal(e.exitCode, 1);
    assert.match(e.message, /socket \/run\/containerd\/containerd\.sock does not exist/);
    assert.match(e.hint ?? '', /start the runtime.*tcrictl diagnose/);
  });

  it('refused: says stale socket, runtime not running', () => {
    const e = fromGrpcError({ name: 'E', message: '', code: status.UNAVAILABLE, details: dial('ECONNREFUSED') }, ctx);
    assert.match(e.message, /connection refused .*stale socket/);
    assert.match(e.hint ?? '', /restart the runtime/);
  });

  it('permission denied: says run as root', () => {
    const e = fromGrpcError({ name: 'E', message: '', code: status.UNAVAILABLE, details: dial('EACCES') }, ctx);
    assert.match(e.message, /permission denied on \/run\/containerd\/containerd\.sock/);
    assert.match(e.hint ?? '', /root/);
  });

  it('other unavailability keeps the details and points at diagnose', () => {
    const e = fromGrpcError({ name: 'E', message: '', code: status.UNAVAILABLE, details: 'Connection dropped' }, ctx);
    assert.match(e.message, /unavailable: Connection dropped/);
    assert.match(e.hint ?? '', /tcrictl diagnose/);
  });

  it('a connection lost under an open call (client.ts): names the endpoint and the call, points at diagnose', () => {
    const e = fromGrpcError(new RpcError(status.UNAVAILABLE, CONNECTION_LOST, EP, 'GetContainerEvents'), { endpoint: EP, method: 'GetContainerEvents' });
    assert.equal(e.exitCode, 1);
    assert.equal(e.message, `the connection to the runtime at ${EP} was lost during GetContainerEvents: nothing more could arrive on it (most likely the runtime broke the HTTP/2 protocol)`);
    assert.match(e.hint ?? '', /tcrictl diagnose/);
  });

  it('deadline: names the call and the timeout, suggests -t', () => {
    const e = fromGrpcError({ name: 'E', message: '', code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded after 0.501s' }, ctx);
    assert.equal(e.exitCode, 1);
    assert.match(e.message, /did not answer ListContainers within 500ms/);
    assert.match(e.hint ?? '', /-t\/--timeout/);
  });

  it('unknown service (Go wording): not a CRI endpoint', () => {
    const e = fromGrpcError({ name: 'E', message: '', code: status.UNIMPLEMENTED, details: 'unknown service runtime.v1.RuntimeService' }, ctx);
    assert.match(e.message, /is not a CRI v1 endpoint/);
  });

  it('Version unimplemented (grpc-js wording): not a CRI endpoint', () => {
    const e = fromGrpcError(
      { name: 'E', message: '', code: status.UNIMPLEMENTED, details: 'The server does not implement the method /runtime.v1.RuntimeService/Version' },
      { ...ctx, method: 'Version' },
    );
    assert.match(e.message, /unix:\/\/\/run\/containerd\/containerd\.sock is not a CRI v1 endpoint/);
  });

  it('one unimplemented call on a real runtime: names the call, not "not CRI"', () => {
    const e = fromGrpcError({ name: 'E', message: '', code: status.UNIMPLEMENTED, details: 'unknown method GetContainerEvents' }, { ...ctx, method: 'GetContainerEvents' });
    assert.match(e.message, /does not implement GetContainerEvents/);
    assert.doesNotMatch(e.message, /not a CRI/);
    assert.match(e.hint ?? '', /does not support/);
  });

  it('cancelled by the user (Ctrl-C): "interrupted", exit 130', () => {
    const e = fromGrpcError(RpcError.interrupted(EP, 'ListContainers'), ctx);
    assert.equal(e.message, 'interrupted');
    assert.equal(e.exitCode, EXIT_INTERRUPTED);
  });

  it('cancelled by the runtime: a runtime error naming the call, exit 1', () => {
    const e = fromGrpcError({ name: 'E', message: '', code: status.CANCELLED, details: 'server gave up' }, { ...ctx, method: 'Status' });
    assert.equal(e.message, `the runtime at ${EP} cancelled Status: server gave up`);
    assert.equal(e.exitCode, 1);
  });

  it('resource exhausted: says the answer was too large', () => {
    const e = fromGrpcError({ name: 'E', message: '', code: status.RESOURCE_EXHAUSTED, details: 'Received message larger than max' }, ctx);
    assert.match(e.message, /too large/);
  });

  it('anything else: the runtime’s own words, exit 1', () => {
    const e = fromGrpcError({ name: 'E', message: '', code: status.NOT_FOUND, details: 'an error occurred when try to find container "x": not found' }, ctx);
    assert.equal(e.message, 'an error occurred when try to find container "x": not found');
    assert.equal(e.exitCode, 1);
  });

  it('works without context', () => {
    const e = fromGrpcError({ name: 'E', message: '', code: status.DEADLINE_EXCEEDED, details: 'x' });
    assert.match(e.message, /^the runtime did not answer within the timeout$/);
  });
});

describe('reportError', () => {
  it('CliError: one line plus a hint line, exit 1', () => {
    const r = report(new CliError('something broke', { hint: 'do this' }));
    assert.equal(r.stderr, 'tcrictl: something broke\n  hint: do this\n');
    assert.equal(r.exitCode, 1);
  });

  it('UsageError: exit 1', () => {
    const r = report(new UsageError('bad flag'));
    assert.equal(r.stderr, 'tcrictl: bad flag\n');
    assert.equal(r.exitCode, 1);
  });

  it('an RpcError from the transport is mapped with its own endpoint, method and timeout', () => {
    const r = report(new RpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded', EP, 'Version', 1500));
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /^tcrictl: the runtime at unix:\/\/\/run\/containerd\/containerd\.sock did not answer Version within 1\.5s\n  hint: /);
    assert.doesNotMatch(r.stderr, STACK_LINE);
  });

  it("oclif's parse errors: first line only, exit 1, no stack", () => {
    const err = Object.assign(new Error('Nonexistent flag: --bogus\nSee more help with --help'), { oclif: { exit: 2 } });
    const r = report(err);
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /^tcrictl: Nonexistent flag: --bogus\n  hint: see 'tcrictl <command> --help'\n$/);
  });

  it('an unknown flag close to a known one names it in the hint', () => {
    const err = Object.assign(new Error('Nonexistent flag: --al\nSee more help with --help'), { oclif: { exit: 2 }, flags: ['--al'] });
    const r = report(err, { command: 'ps', flags: ['all', 'name', 'quiet'] });
    assert.equal(r.exitCode, 1);
    assert.equal(r.stderr, "tcrictl: Nonexistent flag: --al\n  hint: did you mean --all? see 'tcrictl ps --help'\n");
  });

  it('an unknown flag far from every known one gets the plain hint', () => {
    const err = Object.assign(new Error('Nonexistent flag: --zzzz\nSee more help with --help'), { oclif: { exit: 2 }, flags: ['--zzzz'] });
    assert.equal(report(err, { command: 'ps', flags: ['all', 'name'] }).stderr, "tcrictl: Nonexistent flag: --zzzz\n  hint: see 'tcrictl ps --help'\n");
  });

  it('ExitCode carries a remote exit status and its message', () => {
    assert.deepEqual(report(new ExitCode(7)), { stderr: '', exitCode: 7 });
    assert.deepEqual(report(new ExitCode(3, 'command terminated with exit code 3')), { stderr: 'command terminated with exit code 3\n', exitCode: 3 });
  });

  it('an unexpected Error: one line, exit 1, stack only with -D', () => {
    const quiet = report(new TypeError('x is undefined'));
    assert.equal(quiet.stderr, 'tcrictl: x is undefined\n');
    assert.equal(quiet.exitCode, 1);
    const debug = report(new TypeError('x is undefined'), { debug: true });
    assert.match(debug.stderr, STACK_LINE);
  });

  it('a thrown non-Error value still gives one line', () => {
    assert.deepEqual(report('boom'), { stderr: 'tcrictl: boom\n', exitCode: 1 });
  });
});

describe('reportError: input the CRI layer cannot use', () => {
  it('an InputError (bad endpoint, filter, empty ID) is a usage error: exit 1, with its hint', () => {
    const r = report(new InputError('--runtime-endpoint is set but empty', 'give a socket'));
    assert.deepEqual(r, { stderr: 'tcrictl: --runtime-endpoint is set but empty\n  hint: give a socket\n', exitCode: 1 });
  });
});

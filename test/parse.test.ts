/**
 * The command-line parser (src/cli/parse.ts) with the flag builders of
 * src/cli/command.ts: oclif's rules for the flags and arguments tcrictl
 * declares, and oclif's words for mistakes (which errors.ts used to reshape
 * into one line), as UsageErrors (exit 2) pointing at the command's help.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Args, Flags } from '../src/cli/command';
import { UsageError } from '../src/cli/errors';
import { parseArgv, type ParseInput } from '../src/cli/parse';

const HELP = "see 'tcrictl ps --help'";

function input(strict = true): ParseInput {
  return {
    baseFlags: {
      'runtime-endpoint': Flags.string({ char: 'r', env: 'TCRICTL_TEST_ENDPOINT' }),
      debug: Flags.boolean({ char: 'D' }),
    },
    flags: {
      all: Flags.boolean({ char: 'a' }),
      quiet: Flags.boolean({ char: 'q' }),
      output: Flags.string({ char: 'o' }),
      stream: Flags.string({ options: ['stdout', 'stderr'] }),
      last: Flags.integer({ char: 'n' }),
      tail: Flags.integer({ default: -1 }),
      label: Flags.string({ multiple: true, multipleNonGreedy: true }),
      'no-trunc': Flags.boolean(),
    },
    args: { id: Args.string({ description: 'Container ID.' }) },
    strict,
  } as unknown as ParseInput;
}

const parse = (argv: string[], strict = true) => parseArgv(argv, input(strict), HELP);

async function usageError(argv: string[], message: string, strict = true): Promise<void> {
  await assert.rejects(parse(argv, strict), (err: unknown) => {
    assert.ok(err instanceof UsageError, `not a UsageError: ${String(err)}`);
    assert.equal(err.message, message);
    assert.equal(err.exitCode, 2);
    assert.equal(err.hint, HELP);
    return true;
  });
}

describe('parseArgv: values', () => {
  it('reads an option value in every spelling', async () => {
    for (const argv of [['-o', 'json'], ['-ojson'], ['-o=json'], ['--output', 'json'], ['--output=json']]) {
      assert.equal((await parse(argv)).flags.output, 'json', argv.join(' '));
    }
  });

  it('keeps an = inside a value', async () => {
    assert.deepEqual((await parse(['--label', 'a=b=c', '--label=x=y'])).flags.label, ['a=b=c', 'x=y']);
  });

  it('combines short booleans, before or after the argument, and -- ends the flags', async () => {
    const r = await parse(['-aq', 'abc', '-D']);
    assert.deepEqual(r.flags, { debug: true, all: true, quiet: true, tail: -1 });
    assert.deepEqual(r.args, { id: 'abc' });
    assert.deepEqual((await parse(['--', '-a'], false)).argv, ['-a']);
  });

  it('converts integers (negative ones too), applies defaults and env, leaves unset flags out', async () => {
    process.env.TCRICTL_TEST_ENDPOINT = 'unix:///from/env.sock';
    try {
      const r = await parse(['-n', '-1']);
      assert.deepEqual(r.flags, { 'runtime-endpoint': 'unix:///from/env.sock', last: -1, tail: -1 });
      assert.equal((await parse(['-r', 'unix:///flag.sock'])).flags['runtime-endpoint'], 'unix:///flag.sock');
    } finally {
      delete process.env.TCRICTL_TEST_ENDPOINT;
    }
  });

  it('collects repeated values of a multiple flag; a repeated boolean is fine', async () => {
    const r = await parse(['--label', 'a=b', '-a', '--label', 'c=d', '-a']);
    assert.deepEqual(r.flags.label, ['a=b', 'c=d']);
    assert.equal(r.flags.all, true);
  });

  it('non-strict: extra arguments are kept in order', async () => {
    const r = await parse(['one', '-a', 'two', 'three'], false);
    assert.deepEqual(r.args, { id: 'one' });
    assert.deepEqual(r.argv, ['one', 'two', 'three']);
  });

  it('a flag-looking value for an option that is not one of our flags is a value', async () => {
    assert.equal((await parse(['-o', '--weird'])).flags.output, '--weird');
  });
});

describe('parseArgv: mistakes are one-line usage errors', () => {
  it('unknown flags, long and short', async () => {
    await usageError(['--bogus'], 'Nonexistent flag: --bogus');
    await usageError(['-z', '--nope'], 'Nonexistent flags: -z, --nope');
  });

  it('unexpected arguments', async () => {
    await usageError(['a', 'b'], 'Unexpected argument: b');
    await usageError(['a', 'b', 'c'], 'Unexpected arguments: b, c');
    await usageError(['--', '-a', '-q'], 'Unexpected argument: -q');
  });

  it('a missing value, a value that is a flag, a value out of its options', async () => {
    await usageError(['-o'], 'Flag --output expects a value');
    await usageError(['-o', '-a'], 'Flag --output expects a value');
    await usageError(['--stream'], 'Flag --stream expects one of these values: stdout, stderr');
    await usageError(['--stream', 'both'], 'Expected --stream=both to be one of: stdout, stderr');
  });

  it('a single-valued option given twice; a bad integer', async () => {
    await usageError(['-o', 'json', '-o', 'yaml'], 'Flag --output can only be specified once');
    await usageError(['-n', 'x'], '--last: expected an integer but received: x');
  });

  it('a missing required argument, and an argument outside its options', async () => {
    const req = { args: { container: Args.string({ required: true, description: 'Container ID.' }) } } as unknown as ParseInput;
    await assert.rejects(parseArgv([], req, HELP), { message: 'missing argument container (Container ID.)' });
    const shell = { args: { shell: Args.string({ options: ['bash', 'zsh'], default: 'bash' }) } } as unknown as ParseInput;
    await assert.rejects(parseArgv(['fish'], shell, HELP), { message: 'Expected fish to be one of: bash, zsh' });
    assert.deepEqual((await parseArgv([], shell, HELP)).args, { shell: 'bash' });
  });
});

describe('flag builders', () => {
  it('make the objects oclif makes (the manifest and help read them)', () => {
    assert.deepEqual(
      { ...Flags.string({ char: 'o', summary: 's' }), parse: undefined },
      { parse: undefined, char: 'o', summary: 's', input: [], multiple: false, type: 'option' },
    );
    assert.deepEqual({ ...Flags.boolean({ char: 'a' }), parse: undefined }, { parse: undefined, char: 'a', allowNo: false, type: 'boolean' });
    assert.deepEqual({ ...Args.string({ required: true }), parse: undefined }, { parse: undefined, required: true, input: [], type: 'option' });
  });
});

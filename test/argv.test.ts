import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reorderGlobalFlags } from '../src/cli/argv';

describe('reorderGlobalFlags', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['moves a leading -r VALUE after the command', ['-r', 'unix:///x.sock', 'version'], ['version', '-r', 'unix:///x.sock']],
    ['moves several leading globals, keeping their order', ['-D', '-t', '5s', '--runtime-endpoint', 'unix:///a', 'ps', '-a'], ['ps', '-D', '-t', '5s', '--runtime-endpoint', 'unix:///a', '-a']],
    ['keeps --flag=value together', ['--timeout=500ms', '-c', '/etc/c.yaml', 'pods'], ['pods', '--timeout=500ms', '-c', '/etc/c.yaml']],
    ['keeps an attached short value (-rVALUE)', ['-runix:///x.sock', 'images'], ['images', '-runix:///x.sock']],
    ['leaves argv alone when the command comes first', ['ps', '-a', '-r', 'unix:///x'], ['ps', '-a', '-r', 'unix:///x']],
    ['leaves flags after the command alone (version -r X)', ['version', '-r', 'X'], ['version', '-r', 'X']],
    ['never touches what follows the command (exec … -- sh -c)', ['-D', 'exec', 'abc', '-r', 'not-a-flag'], ['exec', '-D', 'abc', '-r', 'not-a-flag']],
    ['leaves --help after globals to oclif', ['-r', 'X', '--help'], ['-r', 'X', '--help']],
    ['leaves an empty argv empty', [], []],
    ['does not take a command-specific flag for a global', ['-a', 'ps'], ['-a', 'ps']],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => assert.deepEqual(reorderGlobalFlags(input), want));
  }

  it('does not modify its input', () => {
    const input = ['-r', 'X', 'version'];
    reorderGlobalFlags(input);
    assert.deepEqual(input, ['-r', 'X', 'version']);
  });
});

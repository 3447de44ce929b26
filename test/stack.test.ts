/**
 * -D's stack traces (src/cli/stack.ts): frames of the minified bundle are
 * mapped back through dist/tcrictl.js.map, also on a line that the build's
 * asciiOnly lengthened.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { SourceMap } from 'node:module';
import * as path from 'node:path';
import { sourceStack } from '../src/cli/stack';

const root = path.resolve(__dirname, '..', '..');
const bundleFile = path.join(root, 'dist', 'tcrictl.js');
const lines = fs.readFileSync(bundleFile, 'latin1').split('\n');

/** 1-based line and column of the first `needle` in the bundle. */
function positionOf(needle: string): [number, number] {
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `${needle} is not in the bundle`);
  return [line + 1, lines[line].indexOf(needle) + 1];
}

const frame = (l: number, c: number) => `    at i (${bundleFile}:${l}:${c})`;

describe('sourceStack (-D)', () => {
  it('maps a frame in the minified bundle to its source file and line', () => {
    const [l, c] = positionOf('the response ended inside a message');
    const want = fs.readFileSync(path.join(root, 'src/cri/grpc-guard.ts'), 'utf8').split('\n').findIndex((s) => s.includes('the response ended inside a message')) + 1;
    const stack = `Error: boom\n${frame(l, c)}\n    at async Promise.all (index 0)`;
    const mapped = sourceStack(stack).split('\n');
    assert.equal(mapped[0], 'Error: boom');
    assert.match(mapped[1], new RegExp(`^    at i \\(src/cri/grpc-guard\\.ts:${want}:\\d+\\)$`));
    assert.equal(mapped[2], '    at async Promise.all (index 0)');
  });

  it('undoes the columns the build moved when it escaped non-ASCII characters', (t) => {
    const map = JSON.parse(fs.readFileSync(`${bundleFile}.map`, 'utf8')) as { x_tcrictl_escapes: Record<string, number[]> };
    const escaped = Object.entries(map.x_tcrictl_escapes);
    if (escaped.length === 0) return t.skip('this build escaped no character');
    const sm = new SourceMap(map as unknown as ConstructorParameters<typeof SourceMap>[0]);
    let checked = 0;
    for (const [genLine, cols] of escaped) {
      // Past the last escape, every 20th column to the line's end: esbuild's column, then the bundle's.
      const last = cols[cols.length - 1];
      const bundleLine = Number(genLine) + 2;
      for (let col = last + 1; col + cols.length * 5 < lines[bundleLine - 1].length; col += 20) {
        const e = sm.findEntry(Number(genLine), col) as { originalSource?: string; originalLine?: number; originalColumn?: number };
        if (e.originalSource === undefined) continue;
        const want = `(${path.join('dist', e.originalSource)}:${e.originalLine! + 1}:${e.originalColumn! + 1})`;
        assert.equal(sourceStack(frame(bundleLine, col + cols.length * 5 + 1)), `    at i ${want}`);
        checked++;
      }
    }
    assert.ok(checked > 0, 'no mapped column after an escape');
  });

  it('leaves frames alone without a map, and lines that are not bundle frames', () => {
    const stack = `Error: x\n${frame(3, 4)}\n    at Object.<anonymous> (/tmp/other.js:1:2)`;
    assert.equal(sourceStack(stack, () => undefined), stack);
    assert.equal(sourceStack('    at /tmp/other.js:1:2'), '    at /tmp/other.js:1:2');
  });
});

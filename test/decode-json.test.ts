/**
 * The streaming JSON writer (src/output/stream.ts) must print exactly what
 * render.ts prints (toProtoJson + JSON.stringify(…, null, 2)) for whatever the
 * decoders return: random messages of every generated response type, with
 * strings JSON has to escape (quotes, backslashes, control characters, lone
 * and paired surrogates, U+2028) put in at random.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { messageType } from '../src/cri/proto';
import { DECODERS } from '../src/cri/generated/decoders';
import { toProtoJson } from '../src/output/json';
import { renderMessage } from '../src/output/render';
import { jsonListChunks, messageJson, planMessageJson } from '../src/output/stream';
import { JSON_WRITERS } from '../src/cri/generated/json-writers';
import { Gen, noisyEncode, randomMessage, rng } from './decode-random';

const TRICKY = ['"', '\\', 'a"b\\c', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', 'x\udc00y', '\u{1f600}', 'plain', ''];

/** Replaces some strings (values and map keys) of a decoded message with TRICKY ones, in place. */
function spice(g: Gen, v: unknown): unknown {
  if (typeof v === 'string') return g.rand() < 0.3 ? g.pick(TRICKY) : v;
  if (Array.isArray(v)) return v.map((e) => spice(g, e));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    // defineProperty: a "__proto__" map key stays an own key, as the decoders make it. Integer-like keys
    // are renamed: JS objects put them first whatever the insertion order, so render.ts (which builds a
    // sorted object) prints them first, while the writer prints Go's order; see the test below.
    for (const [key, e] of Object.entries(v)) {
      const k = /^(0|[1-9]\d{0,8})$/.test(key) ? `#${key}` : key;
      Object.defineProperty(out, k, { value: spice(g, e), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

const expected = (typeName: string, msg: unknown) => JSON.stringify(toProtoJson(typeName, msg), null, 2);

describe('JSON writer on decoded messages', () => {
  for (const n of Object.keys(DECODERS).sort()) {
    it(`prints ${n} exactly as render.ts does`, () => {
      const type = messageType(n);
      for (let seed = 1; seed <= 40; seed++) {
        const g = new Gen(rng(seed * 31 + n.length));
        const decoded = DECODERS[n](noisyEncode(g, type, randomMessage(g, type, 3)));
        const msg = spice(g, decoded);
        assert.equal(messageJson(n, msg), expected(n, msg), `${n} seed ${seed}`);
        assert.equal(planMessageJson(n, msg), expected(n, msg), `${n} seed ${seed} (plan writer)`);
      }
    });
  }

  it('generated writers exist for the response types and what they contain', () => {
    for (const n of [...Object.keys(DECODERS), 'runtime.v1.Container', 'runtime.v1.ContainerStatus', 'runtime.v1.Image']) assert.equal(typeof JSON_WRITERS[n], 'function', n);
  });

  it('sorts and escapes map keys like JSON.stringify', () => {
    const labels = { b: '1', '"q"': '2', 'back\\slash': '3', '\u0001': '4', '\ud83d': '5', a: '\u2028' };
    const c = { id: 'x', labels, annotations: { z: '', é: 'e' }, metadata: null };
    assert.equal(messageJson('runtime.v1.Container', c), expected('runtime.v1.Container', c));
  });

  it('sorts integer-like map keys as strings, like Go (not in JS object order)', () => {
    const c = { id: 'x', labels: { '10': 'a', '': 'b', '9': 'c', x: 'd' } };
    assert.equal(
      messageJson('runtime.v1.Container', c).split('\n').filter((l) => l.startsWith('    "')).join('\n'),
      ['    "": "b",', '    "10": "a",', '    "9": "c",', '    "x": "d"'].join('\n'),
    );
  });

  it('lists: jsonListChunks is renderMessage plus a newline, across chunk boundaries', () => {
    const type = messageType('runtime.v1.ListContainersResponse');
    const g = new Gen(rng(7));
    const containers: unknown[] = [];
    while (containers.length < 400) {
      const decoded = DECODERS['runtime.v1.ListContainersResponse'](noisyEncode(g, type, randomMessage(g, type, 3))) as { containers: unknown[] };
      containers.push(...(spice(g, decoded) as { containers: unknown[] }).containers);
    }
    const chunks = [...jsonListChunks('runtime.v1.ListContainersResponse', 'containers', containers)];
    assert.ok(chunks.length > 1, 'more than one chunk');
    assert.equal(chunks.join(''), renderMessage('runtime.v1.ListContainersResponse', { containers }, 'json') + '\n');
  });
});

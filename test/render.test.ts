import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderMessage } from '../src/output/render';

// Go (and so crictl) sorts map keys as strings; a JS object would put "10" and "2" first in numeric order.
describe('renderMessage map key order', () => {
  const pods = {
    items: [{ id: 'x', metadata: null, state: 'SANDBOX_READY', createdAt: '1', labels: { b: 'c', '2': 'a', '10': 'b' }, annotations: {}, runtimeHandler: '' }],
  };
  it('json sorts integer-like label keys as strings', () => {
    const text = renderMessage('runtime.v1.ListPodSandboxResponse', pods, 'json');
    assert.match(text, /"labels": \{\n {8}"10": "b",\n {8}"2": "a",\n {8}"b": "c"\n {6}\}/);
    assert.deepEqual(JSON.parse(text).items[0].labels, { '10': 'b', '2': 'a', b: 'c' });
  });
  it('yaml sorts them the same way', () => {
    const text = renderMessage('runtime.v1.ListPodSandboxResponse', pods, 'yaml');
    assert.match(text, /labels:\n {4}"10": b\n {4}"2": a\n {4}b: c\n/);
  });
});

/**
 * The go-template subset (src/output/go-template): each expected output below
 * is what Go 1.19's text/template printed for the same template and data, with
 * crictl's options (numbers decoded with UseNumber, missingkey=error, the json/
 * title/lower/upper functions), so a difference here is a difference from crictl.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, runTemplate } from '../src/output/go-template';
import { UsageError } from '../src/cli/cli-error';

const DATA = JSON.stringify({
  containerId: 'abc123', containerEventType: 'CONTAINER_STARTED_EVENT', createdAt: '1700000000000000000', pid: 42, ratio: 0.5, ok: true, none: null,
  labels: { b: '2', a: '1<&>' }, list: ['x', 'y'], empty: [], nested: { inner: { v: 'deep' } },
  podSandboxStatus: { metadata: { name: 'web', namespace: 'default' } },
  containers: [{ id: 'c1', state: 'RUNNING' }, { id: 'c2', state: 'EXITED' }],
});

const run = (t: string) => runTemplate(compileTemplate(t), DATA);

// [template, Go's output]
const SAME_AS_GO: Array<[string, string]> = [
  ["{{.containerId}}", "abc123"],
  ["{{.containerId}} {{.containerEventType}}", "abc123 CONTAINER_STARTED_EVENT"],
  ["{{.podSandboxStatus.metadata.name}}/{{.podSandboxStatus.metadata.namespace}}", "web/default"],
  ["{{.labels}}", "map[a:1<&> b:2]"],
  ["{{.list}}", "[x y]"],
  ["{{.pid}} {{.ratio}} {{.ok}} {{.none}}", "42 0.5 true <no value>"],
  ["{{range .containers}}{{.id}}={{.state}}\n{{end}}", "c1=RUNNING\nc2=EXITED\n"],
  ["{{range $i, $c := .containers}}{{$i}}:{{$c.id}} {{end}}", "0:c1 1:c2 "],
  ["{{range $k, $v := .labels}}{{$k}}={{$v}};{{end}}", "a=1<&>;b=2;"],
  ["{{range .empty}}x{{else}}none{{end}}", "none"],
  ["{{if .ok}}yes{{else}}no{{end}}", "yes"],
  ["{{if .none}}a{{else if .ok}}b{{else}}c{{end}}", "b"],
  ["{{with .nested.inner}}{{.v}}{{end}}", "deep"],
  ["{{json .labels}}", "{\"a\":\"1\\u003c\\u0026\\u003e\",\"b\":\"2\"}\n"],
  ["{{json .}}", "{\"containerEventType\":\"CONTAINER_STARTED_EVENT\",\"containerId\":\"abc123\",\"containers\":[{\"id\":\"c1\",\"state\":\"RUNNING\"},{\"id\":\"c2\",\"state\":\"EXITED\"}],\"createdAt\":\"1700000000000000000\",\"empty\":[],\"labels\":{\"a\":\"1\\u003c\\u0026\\u003e\",\"b\":\"2\"},\"list\":[\"x\",\"y\"],\"nested\":{\"inner\":{\"v\":\"deep\"}},\"none\":null,\"ok\":true,\"pid\":42,\"podSandboxStatus\":{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"}},\"ratio\":0.5}\n"],
  ["{{printf \"%s-%d\" .containerId 5}}", "abc123-5"],
  ["{{printf \"%-8s|%5s|%q\" \"ab\" \"cd\" .containerId}}", "ab      |   cd|\"abc123\""],
  ["{{len .list}} {{len .labels}} {{len .containerId}}", "2 2 6"],
  ["{{index .list 1}} {{index .labels \"a\"}}", "y 1<&>"],
  ["{{upper .containerId}} {{lower \"ABC\"}} {{title \"hello world\"}}", "ABC123 abc Hello World"],
  ["{{eq .containerEventType \"CONTAINER_STARTED_EVENT\"}} {{ne .containerId \"x\"}}", "true true"],
  ["{{if and .ok .list}}both{{end}} {{or .none \"dflt\"}} {{not .ok}}", "both dflt false"],
  ["{{$x := .containerId}}{{$x}} {{$}}", "abc123 map[containerEventType:CONTAINER_STARTED_EVENT containerId:abc123 containers:[map[id:c1 state:RUNNING] map[id:c2 state:EXITED]] createdAt:1700000000000000000 empty:[] labels:map[a:1<&> b:2] list:[x y] nested:map[inner:map[v:deep]] none:<nil> ok:true pid:42 podSandboxStatus:map[metadata:map[name:web namespace:default]] ratio:0.5]"],
  ["{{- \"  a  \" -}}  \n  {{\"b\"}}", "  a  b"],
  ["a {{/* comment */}} b", "a  b"],
  ["{{.list | len}}", "2"],
  ["{{range .containers}}{{if eq .state \"EXITED\"}}{{break}}{{end}}{{.id}}{{end}}", "c1"],
  ["{{(index .containers 0).id}}", "c1"],
  ["{{print 1 2 \"a\" 3}}", "1 2a3"],
  ["{{println .containerId 3}}", "abc123 3\n"],
  ["{{printf \"%v %v\" .ratio .ok}}", "0.5 true"],];

describe('go-template: output as Go text/template prints it', () => {
  for (const [t, want] of SAME_AS_GO) it(JSON.stringify(t), () => assert.equal(run(t), want));
});

describe('go-template: templates Go rejects are usage errors (exit 1) in Go\'s words', () => {
  const PARSE: Array<[string, string]> = [
    ['{{', 'template: :1: unclosed action'],
    ['{{if .ok}}', 'template: :1: unexpected EOF'],
    ['{{end}}', 'template: :1: unexpected {{end}}'],
    ['{{foo}}', 'template: :1: function "foo" not defined'],
    ['{{range .list}}{{else}}{{else}}{{end}}', 'template: :1: expected end; found {{else}}'],
    ['{{"unterminated}}', 'template: :1: unterminated quoted string'],
    ['a\nb\n{{', 'template: :3: unclosed action'],
  ];
  for (const [t, msg] of PARSE) {
    it(JSON.stringify(t), () => {
      assert.throws(() => compileTemplate(t), (e: unknown) => e instanceof UsageError && e.exitCode === 1 && e.message === `failed to parse go-template: ${msg}`);
    });
  }
  it('an empty template is valid and prints nothing (crictl accepts it)', () => assert.equal(run(''), ''));
});

describe('go-template: missingkey=error, as crictl sets it', () => {
  const EXEC: Array<[string, RegExp]> = [
    ['{{.missing}}', /at <\.missing>: map has no entry for key "missing"$/],
    ['{{.nested.missing.x}}', /at <\.nested\.missing\.x>: map has no entry for key "missing"$/],
    ['{{.containerId.x}}', /at <\.containerId\.x>: can't evaluate field x in type interface \{\}$/],
    ['{{.none.x}}', /nil pointer evaluating interface \{\}\.x$/],
  ];
  for (const [t, re] of EXEC) it(t, () => assert.throws(() => run(t), re));
});

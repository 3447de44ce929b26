/**
 * The human report: colour only on a terminal (and never with NO_COLOR or
 * --no-color), root cause first with its consequences indented, every line
 * wrapped to the width, the one-line summary last, --verbose listing what
 * passed. The terminal cases run the real binary under `script` (a pty).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mergeLayers } from '../src/diagnose/config-merge';
import { renderText, summaryLine } from '../src/diagnose/render';
import { buildReport } from '../src/diagnose/report';
import { evaluate } from '../src/diagnose/rules';
import { visibleLength, wantColour, wrapLine } from '../src/diagnose/style';
import { parseToml, type TomlTable } from '../src/diagnose/toml';
import { healthyFacts } from './diagnose-fixtures';
import { repoRoot } from './harness/cri-fixture';

const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const GREEN = '\x1b[32m';

/** A drop-in replaced the CRI table (warning, root cause), so containerd has no CNI config (error, its consequence). */
function brokenReport() {
  const f = healthyFacts();
  const layer = (file: string, text: string) => ({ file, text, data: (parseToml(text) as { data: TomlTable }).data });
  const layers = [
    layer('/etc/containerd/config.toml', 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n[plugins."io.containerd.grpc.v1.cri".cni]\n  conf_dir = "/srv/a-very-long-directory-name/that-is-longer-than-sixty-columns/net.d"\n'),
    layer('/etc/containerd/conf.d/10-runtime.toml', '[plugins."io.containerd.grpc.v1.cri".containerd]\n  default_runtime_name = "runc"\n'),
  ];
  const m = mergeLayers(layers, 1);
  f.runtimeConfig = { ...f.runtimeConfig!, data: m.data, keyLines: m.keyLines, replaced: m.replaced, mergedAs: 1, layers };
  f.cni = { ...f.cni!, confDirState: 'empty', files: [], networks: [] };
  f.cri!.conditions![1] = { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'Network plugin returns error: cni plugin not initialized' };
  f.checks = ['endpoints', 'runtime-config', 'cri', 'cni', 'kubelet', 'imagefs'].map((id) => ({ id, title: id, status: 'ran' as const, durationMs: 1, lookedAt: `looked at ${id}` }));
  return buildReport(f, evaluate(f), 312);
}

describe('diagnose text report', () => {
  it('colours severities on request: error red, warning yellow, ok green; none otherwise', () => {
    const r = brokenReport();
    const coloured = renderText(r, { color: true });
    assert.ok(coloured.includes(`${RED}ERROR`), coloured);
    assert.ok(coloured.includes(`${YELLOW}WARNING`), coloured);
    const plain = renderText(r, { color: false });
    assert.ok(!plain.includes('\x1b['), 'no escape codes without colour');
    const f = healthyFacts();
    f.checks = [{ id: 'cri', title: 'cri', status: 'ran', durationMs: 1 }];
    const healthy = renderText(buildReport(f, evaluate(f), 5), { color: true });
    assert.ok(healthy.includes(`${GREEN}No problems found.`));
    const warn = healthyFacts();
    warn.cri!.timings[1].ms = 1500; // slow ListPodSandbox: a warning
    assert.ok(renderText(buildReport(warn, evaluate(warn), 5), { color: true }).includes(`${YELLOW}WARNING`));
  });

  it('colours only a terminal, and never with NO_COLOR (non-empty) or --no-color', () => {
    assert.equal(wantColour({ isTTY: true }, false, {}), true);
    assert.equal(wantColour({ isTTY: false }, false, {}), false);
    assert.equal(wantColour({ isTTY: true }, true, {}), false);
    assert.equal(wantColour({ isTTY: true }, false, { NO_COLOR: '1' }), false);
    assert.equal(wantColour({ isTTY: true }, false, { NO_COLOR: '' }), true);
  });

  it('wraps every line to the width, evidence and fix included; a path longer than a line stays whole', () => {
    const r = brokenReport();
    for (const width of [60, 80, 132]) {
      const out = renderText(r, { width, color: true });
      for (const line of out.split('\n')) {
        if (visibleLength(line) <= width) continue;
        assert.doesNotMatch(line.trim(), / /, `line over ${width} columns that could have been wrapped: ${line}`);
      }
    }
    assert.deepEqual(wrapLine('aa bb cc', 5, '- ', '  '), ['- aa', '  bb', '  cc']);
    assert.deepEqual(wrapLine('/a/very/long/path', 5, '- ', '  '), ['- /a/very/long/path']);
  });

  it('root cause first, its consequence indented beneath it', () => {
    const out = renderText(brokenReport(), { width: 100 });
    const root = out.indexOf('1. ');
    const consequence = out.indexOf('   ↳ consequence of ');
    assert.ok(root > 0 && consequence > root, out);
  });

  it('ends with the one-line summary', () => {
    const r = brokenReport();
    const lines = renderText(r).trimEnd().split('\n');
    assert.equal(lines[lines.length - 1], summaryLine(r));
    assert.match(summaryLine(r), /^\d+ errors?, \d+ warnings? · \d+ checks? passed · 0\.3 s$/);
    assert.equal(r.summary.checksPassed, 4, 'endpoints, cri, kubelet and imagefs raised nothing');
  });

  it('--verbose lists every check that passed and what it looked at; the default does not', () => {
    const r = brokenReport();
    const verbose = renderText(r, { verbose: true });
    assert.match(verbose, /Passed \(4\):\n {2}ok {2}endpoints: looked at endpoints \(1 ms\)\n {2}ok {2}cri: looked at cri/);
    assert.doesNotMatch(verbose, /ok {2}cni:/, 'a check with a finding did not pass');
    assert.doesNotMatch(renderText(r), /Passed/);
  });
});

describe('diagnose text report from the binary', () => {
  const BIN = path.join(repoRoot(), 'bin', 'run.js');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-report-'));
  const missing = `unix://${path.join(root, 'none.sock')}`;
  const env = { ...process.env, TCRICTL_HOST_ROOT: root, NO_COLOR: '' } as NodeJS.ProcessEnv;
  delete env.CONTAINER_RUNTIME_ENDPOINT;
  const hasScript = spawnSync('script', ['--version']).status === 0;

  /** Runs diagnose on a pty of `cols` columns (util-linux script). */
  function onTerminal(args: string[], extraEnv: Record<string, string> = {}, cols = 70): string {
    const cmd = `stty cols ${cols} rows 50; ${[process.execPath, BIN, 'diagnose', '-r', missing, ...args].map((a) => `'${a}'`).join(' ')} 2>/dev/null`; // the spinner on stderr is not the report
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 30_000 });
    return r.stdout;
  }

  it('piped: no colour, exit 2, summary last', () => {
    const r = spawnSync(process.execPath, [BIN, 'diagnose', '-r', missing], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2);
    assert.ok(!r.stdout.includes('\x1b['), 'no colour when piped');
    assert.match(r.stdout.trimEnd().split('\n').pop()!, /^1 error, 0 warnings · \d+ checks? passed · \d+\.\d s$/);
  });

  it('on a terminal: coloured and wrapped to its width; NO_COLOR and --no-color turn colour off', { skip: hasScript ? false : 'util-linux script is not installed' }, () => {
    const out = onTerminal([]);
    assert.ok(out.includes(`${RED}ERROR`), out);
    for (const line of out.replace(/\r/g, '').split('\n')) if (visibleLength(line) > 70) assert.doesNotMatch(line.trim(), / /, line);
    assert.ok(!onTerminal([], { NO_COLOR: '1' }).includes('\x1b[3'), 'NO_COLOR');
    assert.ok(!onTerminal(['--no-color']).includes('\x1b[3'), '--no-color');
  });
});

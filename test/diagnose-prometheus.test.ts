/**
 * Fleet health: `diagnose -o prometheus` / `--textfile` in node_exporter's
 * textfile format, read back with a real exposition-format parser
 * (parse-prometheus-text-format, and Debian's promtool when it is installed:
 * PROMTOOL=/path or promtool on PATH), and the deploy/ manifests that publish
 * it and alert on it, checked against the metric names the file really has.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { mergeLayers } from '../src/diagnose/config-merge';
import { METRICS, renderPrometheus, textfileProblem, writeTextfile } from '../src/diagnose/prometheus';
import { buildReport } from '../src/diagnose/report';
import { evaluate } from '../src/diagnose/rules';
import { parseToml, type TomlTable } from '../src/diagnose/toml';
import { healthyFacts } from './diagnose-fixtures';
import { repoRoot } from './harness/cri-fixture';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const parsePrometheus = require('parse-prometheus-text-format') as (text: string) => {
  name: string;
  help: string;
  type: string;
  metrics: { value: string; labels?: Record<string, string> }[];
}[];

const root = repoRoot();

/** A node with a root cause (warning), its consequence (error) and a repeated finding id with two subjects. */
function brokenReport() {
  const f = healthyFacts();
  const layer = (file: string, text: string) => ({ file, text, data: (parseToml(text) as { data: TomlTable }).data });
  const layers = [
    layer('/etc/containerd/config.toml', 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n[plugins."io.containerd.grpc.v1.cri".cni]\n  conf_dir = "/srv/net.d"\n'),
    layer('/etc/containerd/conf.d/10-runtime.toml', '[plugins."io.containerd.grpc.v1.cri".containerd]\n  default_runtime_name = "runc"\n'),
  ];
  const m = mergeLayers(layers, 1);
  f.runtimeConfig = { ...f.runtimeConfig!, data: m.data, keyLines: m.keyLines, replaced: m.replaced, mergedAs: 1, layers };
  f.cni = { ...f.cni!, confDirState: 'empty', files: [], networks: [] };
  f.handlerRequests = ['nvidia', 'kata "x"'].map((handler) => ({ handler, line: `no runtime for "${handler}" is configured`, source: 'journal' }));
  f.checks = ['endpoints', 'runtime-config', 'cri', 'cni'].map((id) => ({ id, title: id, status: 'ran' as const, durationMs: 1 }));
  f.checks.push({ id: 'imagefs', title: 'imagefs', status: 'skipped', reason: 'x', durationMs: 0 });
  return buildReport(f, evaluate(f), 250);
}

function promtool(): string | undefined {
  const candidates = [process.env.PROMTOOL, 'promtool'].filter((c): c is string => !!c);
  return candidates.find((c) => spawnSync(c, ['--version']).status === 0);
}

describe('diagnose -o prometheus', () => {
  const report = brokenReport();
  const text = renderPrometheus(report, 1_700_000_000_000);
  const families = parsePrometheus(text);
  const byName = new Map(families.map((f) => [f.name, f]));

  it('parses as the exposition format, with every documented family and nothing else', () => {
    assert.deepEqual([...byName.keys()].sort(), Object.values(METRICS).sort());
    for (const f of families) assert.ok(f.help.length > 10, `${f.name} has HELP`);
    assert.equal(byName.get(METRICS.checks)?.type, 'COUNTER');
    assert.equal(byName.get(METRICS.duration)?.type, 'GAUGE');
  });

  it('one gauge series per finding id, with severity, catalogue and root-cause labels', () => {
    const series = byName.get(METRICS.finding)!.metrics;
    const ids = series.map((m) => m.labels!.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicate series');
    const root = series.find((m) => m.labels!.id === 'runtime-config-import-replaces')!;
    // A warning whose consequence is an error is exported as an error: the root-cause alert fires on it.
    assert.deepEqual({ ...root.labels }, { id: 'runtime-config-import-replaces', severity: 'error', catalogue: 'F14,F15', root_cause: 'true', stage: 'runtime-config' });
    assert.equal(series.find((m) => m.labels!.id === 'cni-config-missing')?.labels!.root_cause, 'false');
    const f26 = series.find((m) => m.labels!.id === 'runtime-handler-unknown')!;
    assert.equal(f26.value, '2', 'two findings with one id are counted in one series');
    assert.equal(f26.labels!.catalogue, 'F26');
  });

  it('the summary families: checks, duration, last run, exit code, runtime info', () => {
    const checks = Object.fromEntries(byName.get(METRICS.checks)!.metrics.map((m) => [m.labels!.status, m.value]));
    assert.deepEqual(checks, { passed: '2', failed: '2', skipped: '1' });
    assert.equal(byName.get(METRICS.duration)!.metrics[0].value, '0.25');
    assert.equal(byName.get(METRICS.lastRun)!.metrics[0].value, '1700000000');
    assert.equal(byName.get(METRICS.exitCode)!.metrics[0].value, '2');
    assert.deepEqual({ ...byName.get(METRICS.runtime)!.metrics[0].labels }, { name: 'containerd', version: '1.6.20~ds1', api_version: 'v1', endpoint: 'unix:///run/containerd/containerd.sock' });
  });

  it('passes promtool check metrics (Debian prometheus), when promtool is there', { skip: promtool() ? false : 'promtool not installed (apt-get install prometheus, or PROMTOOL=/path/to/promtool)' }, () => {
    const r = spawnSync(promtool()!, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  it('a healthy node: no finding series, runtime info present, exit code 0', () => {
    const f = healthyFacts();
    const out = parsePrometheus(renderPrometheus(buildReport(f, evaluate(f), 10)));
    assert.deepEqual(out.find((x) => x.name === METRICS.finding)?.metrics ?? [], []);
    assert.equal(out.find((x) => x.name === METRICS.exitCode)?.metrics[0].value, '0');
  });
});

describe('diagnose --textfile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-textfile-'));
  const BIN = path.join(root, 'bin', 'run.js');
  const env = { ...process.env, TCRICTL_HOST_ROOT: dir } as NodeJS.ProcessEnv;
  delete env.CONTAINER_RUNTIME_ENDPOINT;

  it('is written atomically: a temp file node_exporter ignores, then a rename', () => {
    const file = path.join(dir, 'a.prom');
    writeTextfile(file, 'x 1\n');
    writeTextfile(file, 'x 2\n');
    assert.equal(fs.readFileSync(file, 'utf8'), 'x 2\n');
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n !== 'a.prom'), [], 'no temp file left');
    assert.match(textfileProblem(path.join(dir, 'nope', 'a.prom')) ?? '', /does not exist/);
    assert.match(textfileProblem(path.join(dir, 'a.txt')) ?? '', /\.prom/);
  });

  it('the binary writes the file, parseable, and still prints its report and exit code', () => {
    const file = path.join(dir, 'tcrictl.prom');
    const r = spawnSync(process.execPath, [BIN, 'diagnose', '-r', `unix://${dir}/none.sock`, '--textfile', file, '-o', 'json'], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(JSON.parse(r.stdout).exitCode, 2);
    const families = parsePrometheus(fs.readFileSync(file, 'utf8'));
    const missing = families.find((x) => x.name === METRICS.finding)!.metrics.find((m) => m.labels!.id === 'socket-missing');
    assert.equal(missing?.labels!.root_cause, 'true');
  });

  it('a path it cannot write: exit 3, one line naming the fix, nothing diagnosed or written', () => {
    const r = spawnSync(process.execPath, [BIN, 'diagnose', '-r', `unix://${dir}/none.sock`, '--textfile', path.join(dir, 'missing-dir', 'x.prom')], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 3);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--textfile .*missing-dir.* does not exist/);
    assert.ok(!fs.existsSync(path.join(dir, 'missing-dir')));
  });
});

describe('deploy/: the textfile DaemonSet and the alert rule', () => {
  const docs = (file: string) => parseAllDocuments(fs.readFileSync(path.join(root, 'deploy', file), 'utf8')).map((d) => {
    assert.deepEqual(d.errors, [], `${file}: YAML errors`);
    return d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  });
  const ds = docs('daemonset-textfile.yaml').find((o) => o.kind === 'DaemonSet')!;
  const pod = ds.spec.template.spec;
  const c = pod.containers[0];
  const env = Object.fromEntries((c.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));
  const rule = docs('prometheusrule.yaml').find((o) => o.kind === 'PrometheusRule')!;
  const rules = rule.spec.groups.flatMap((g: { rules: unknown[] }) => g.rules) as { alert: string; expr: string; for: string }[];
  const sample = renderPrometheus(brokenReport());

  it('refreshes the textfile in a loop, every INTERVAL_SECONDS, with diagnose --textfile', () => {
    const script = [...c.command, ...(c.args ?? [])].join(' ');
    assert.match(script, /while :; do[\s\S]*tcrictl diagnose [^\n]*--textfile "\$TEXTFILE"[\s\S]*sleep "\$INTERVAL_SECONDS"[\s\S]*done/);
    assert.ok(Number(env.INTERVAL_SECONDS) >= 60, 'a sane interval');
    assert.match(env.TEXTFILE, /\.prom$/);
  });

  it('writes only to the textfile directory: every other hostPath mount is read-only, and no privilege', () => {
    const volumes = new Map<string, string>(pod.volumes.map((v: { name: string; hostPath: { path: string } }) => [v.name, v.hostPath?.path]));
    const writable = c.volumeMounts.filter((m: { readOnly?: boolean }) => !m.readOnly);
    assert.deepEqual(writable.map((m: { mountPath: string }) => m.mountPath), [path.dirname(env.TEXTFILE)]);
    for (const m of c.volumeMounts) assert.equal(volumes.get(m.name), m.mountPath, `${m.name} at the node's own path`);
    assert.equal(c.securityContext.privileged, false);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
    assert.equal(c.securityContext.capabilities.add, undefined);
    assert.equal(pod.automountServiceAccountToken, false);
  });

  it('the alert fires on a root cause present for 10 minutes, using metric names and labels the textfile has', () => {
    const cause = rules.find((r) => r.alert === 'ContainerRuntimeRootCause')!;
    assert.equal(cause.for, '10m');
    const families = new Map(parsePrometheus(sample).map((f) => [f.name, f]));
    for (const r of rules) {
      for (const name of r.expr.match(/tcrictl_[a-z_]+/g) ?? []) assert.ok(families.has(name), `${r.alert}: ${name} is not in the textfile`);
      for (const [, labelName] of r.expr.matchAll(/([a-z_]+)="/g)) {
        const used = [...families.values()].some((f) => f.metrics.some((m) => m.labels && labelName in m.labels));
        assert.ok(used, `${r.alert}: label ${labelName} is not in the textfile`);
      }
    }
    assert.match(cause.expr, /root_cause="true"/);
    assert.equal(ds.metadata.namespace, rule.metadata.namespace);
  });

  it('the rule group passes promtool check rules, when promtool is there', { skip: promtool() ? false : 'promtool not installed' }, () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-rules-')), 'rules.yaml');
    fs.writeFileSync(file, JSON.stringify({ groups: rule.spec.groups }));
    const r = spawnSync(promtool()!, ['check', 'rules', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });
});

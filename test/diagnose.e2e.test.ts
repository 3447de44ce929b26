/**
 * `tcrictl diagnose` end to end: a real containerd from the harness with one
 * fault injected per scenario, tcrictl run as a subprocess. Each test asserts
 * the finding id, its cause in the text, and that nothing else is reported as
 * an error (or a warning, where none is expected). Host files (kubelet config,
 * sockets the kubelet names) live in a temp TCRICTL_HOST_ROOT; registries are
 * only ever 127.0.0.1 ports with nothing listening.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, startContainerd, type Containerd, type ContainerdOptions } from './harness/containerd';
import { repoRoot } from './harness/cri-fixture';

interface Finding {
  id: string;
  severity: 'error' | 'warning' | 'info';
  title: string;
  subject?: string;
  evidence: string[];
  explanation: string;
  fix: string[];
  consequenceOf?: string;
}

interface Report {
  schemaVersion: number;
  status: string;
  exitCode: number;
  endpoint: { endpoint: string; outcome: string } | null;
  checks: { id: string; status: string; reason?: string }[];
  findings: Finding[];
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  report?: Report;
}

const BIN = path.join(repoRoot(), 'bin', 'run.js');
const temps: string[] = [];
after(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh TCRICTL_HOST_ROOT, readable by an unprivileged user. */
function hostRoot(): string {
  const d = fs.mkdtempSync(path.join('/tmp', 'tcri-diag-host-'));
  fs.chmodSync(d, 0o755);
  temps.push(d);
  return d;
}

function emptyDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-diag-empty-'));
  fs.chmodSync(d, 0o755);
  temps.push(d);
  return d;
}

function writeHostFile(root: string, rel: string, text: string): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

/** Kubelet config under the host root; `endpoint` is as the kubelet would name it (inside the host root). */
function kubeletConfig(root: string, cgroupDriver: string, endpoint = 'unix:///run/containerd/containerd.sock'): void {
  writeHostFile(root, 'var/lib/kubelet/config.yaml', `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: ${cgroupDriver}\ncontainerRuntimeEndpoint: ${endpoint}\n`);
}

/** Makes <root>/run/containerd/containerd.sock lead to the harness socket, as on a real node. */
function linkDefaultSocket(root: string, ctd: Containerd): void {
  const p = path.join(root, 'run/containerd/containerd.sock');
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.symlinkSync(ctd.socket, p);
}

function runDiagnose(args: string[], root: string, opts: { asNobody?: boolean; json?: boolean } = {}): Promise<Run> {
  const json = opts.json ?? true;
  const argv = [BIN, 'diagnose', ...(json ? ['-o', 'json'] : []), ...args];
  const cmd = opts.asNobody ? 'setpriv' : process.execPath;
  const full = opts.asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...argv] : argv;
  const env: NodeJS.ProcessEnv = { ...process.env, TCRICTL_HOST_ROOT: root };
  delete env.TCRICTL_ENDPOINTS;
  delete env.CONTAINER_RUNTIME_ENDPOINT;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, full, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: os.tmpdir() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => {
      let report: Report | undefined;
      if (json && stdout.trim().startsWith('{')) report = JSON.parse(stdout) as Report;
      resolve({ code, stdout, stderr, report });
    });
  });
}

function describeFindings(r: Report): string {
  return r.findings.map((f) => `${f.severity} ${f.id}${f.consequenceOf ? ` (consequence of ${f.consequenceOf})` : ''}: ${f.title}`).join('\n');
}

function allText(f: Finding): string {
  return [f.title, ...f.evidence, f.explanation, ...f.fix].join('\n');
}

/**
 * Exactly one root error `id` (its consequences allowed), whose text matches
 * `cause`; no warnings unless listed. Returns the finding.
 */
function expectOnly(run: Run, id: string, cause: RegExp, opts: { warnings?: string[]; consequences?: string[] } = {}): Finding {
  const r = run.report;
  assert.ok(r, `no JSON report; exit ${run.code}; stderr: ${run.stderr}; stdout: ${run.stdout.slice(0, 500)}`);
  const ctx = describeFindings(r);
  assert.equal(run.code, 2, `exit code 2 expected\n${ctx}`);
  assert.equal(r.exitCode, 2);
  const errors = r.findings.filter((f) => f.severity === 'error');
  const roots = errors.filter((f) => !f.consequenceOf);
  assert.deepEqual(roots.map((f) => f.id), [id], ctx);
  const consequences = errors.filter((f) => f.consequenceOf);
  assert.deepEqual(consequences.map((f) => f.id), opts.consequences ?? [], ctx);
  for (const c of consequences) assert.equal(c.consequenceOf, id);
  const warnings = r.findings.filter((f) => f.severity === 'warning').map((f) => f.id);
  assert.deepEqual(warnings, opts.warnings ?? [], ctx);
  const found = roots[0];
  assert.match(allText(found), cause);
  assert.equal(r.findings[0], found, 'the root cause comes first');
  return found;
}

const CRI_TABLE = '[plugins."io.containerd.grpc.v1.cri"]';

/** Adds lines right after the CRI table header of the harness config. */
function inCriTable(toml: string, lines: string): string {
  assert.ok(toml.includes(CRI_TABLE));
  return toml.replace(CRI_TABLE, `${CRI_TABLE}\n    ${lines}`);
}

/** One containerd per describe block; always stopped. */
function withContainerd(opts: ContainerdOptions = {}): () => Containerd {
  let ctd: Containerd | undefined;
  before(async () => {
    ctd = await startContainerd(opts);
  });
  after(() => ctd?.stop());
  return () => ctd!;
}

describe('diagnose e2e: a healthy runtime', () => {
  const ctd = withContainerd();

  it('exits 0 with no errors or warnings, found through the kubelet\'s endpoint (JSON)', async () => {
    const root = hostRoot();
    kubeletConfig(root, 'cgroupfs');
    linkDefaultSocket(root, ctd());
    const run = await runDiagnose(['--runtime-config', ctd().configPath], root);
    assert.ok(run.report, run.stderr);
    assert.equal(run.code, 0, describeFindings(run.report));
    assert.equal(run.report.status, 'healthy');
    assert.deepEqual(run.report.findings.filter((f) => f.severity !== 'info'), []);
    assert.equal(run.report.endpoint?.outcome, 'ok');
    assert.match(run.report.endpoint!.endpoint, /\/run\/containerd\/containerd\.sock$/);
    const ran = run.report.checks.filter((c) => c.status === 'ran').map((c) => c.id);
    for (const id of ['endpoints', 'containerd-api', 'cri', 'runtime-handlers', 'cni', 'sandbox-image', 'kubelet']) assert.ok(ran.includes(id), `${id} ran: ${ran.join(' ')}`);
    for (const c of run.report.checks.filter((x) => x.status === 'skipped')) assert.ok(c.reason, `${c.id} says why it was skipped`);
  });

  it('says "No problems found" in text, with no spinner when stderr is not a terminal', async () => {
    const root = hostRoot();
    const run = await runDiagnose(['-r', ctd().endpoint, '--runtime-config', ctd().configPath], root, { json: false });
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /No problems found\./);
    assert.match(run.stdout, /Exit code 0 \(0 healthy, 1 warnings, 2 errors, 3 could not diagnose\)\./);
    assert.equal(run.stderr, '');
  });

  it('never mixes daemons: with no --runtime-config, a broken /etc/containerd/config.toml of the host is not read for the daemon at -r', async () => {
    const root = hostRoot();
    // The host's default config is for some other containerd: CNI and runtimes that do not exist, and a syntax error.
    const other = writeHostFile(root, 'etc/containerd/config.toml', [
      'version = 2',
      '[plugins."io.containerd.grpc.v1.cri".cni]',
      '  bin_dir = "/nonexistent/cni/bin"',
      '  conf_dir = "/nonexistent/cni/net.d"',
      '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
      '  runtime_type = "io.containerd.runc.v2"',
      '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
      '  BinaryName = "/nonexistent/runc"',
      'broken = = ',
      '',
    ].join('\n'));
    const run = await runDiagnose(['-r', ctd().endpoint], root);
    assert.ok(run.report, run.stderr);
    assert.equal(run.code, 0, describeFindings(run.report));
    assert.deepEqual(run.report.findings.filter((f) => f.severity !== 'info'), []);
    for (const f of run.report.findings) assert.ok(!allText(f).includes(other), `${f.id} names the other daemon's config`);
    const text = await runDiagnose(['-r', ctd().endpoint, '--verbose'], root, { json: false });
    assert.ok(!text.stdout.includes(other), text.stdout);
    assert.ok(text.stdout.includes(ctd().configPath), `the daemon's own --config is named:\n${text.stdout}`);
  });

  it('-r to a missing socket while containerd answers on its own: wrong endpoint, not "restart containerd"', async () => {
    const root = hostRoot();
    const missing = path.join(emptyDir(), 'missing.sock');
    const run = await runDiagnose(['-r', `unix://${missing}`], root);
    // Alone on the host, ours is named; beside other helpers' daemons none was started with the config in play, so all are listed.
    const f = expectOnly(run, 'socket-missing', /Wrong endpoint: .* does not exist(, but containerd is running and listening on|; \d+ containerds answer elsewhere)/);
    // Other containerds may run on this machine too; ours must be among the live ones named.
    assert.ok(f.explanation.includes(ctd().socket), f.explanation);
    assert.match(f.fix[0], /Point clients at the live socket: tcrictl -r unix:\/\//);
    assert.doesNotMatch(allText(f), /Restart containerd|systemctl restart|not running here|never started/);
    assert.ok(!allText(f).includes(path.join(root, 'etc/containerd/config.toml')), 'never names the missing default config');
  });
});

describe('diagnose e2e: endpoint failures', () => {
  const ctd = withContainerd();

  it('a socket that accepts but never answers', async () => {
    const root = hostRoot();
    const sock = path.join(root, 'run/hung.sock');
    fs.mkdirSync(path.dirname(sock), { recursive: true });
    const conns = new Set<net.Socket>();
    const server = net.createServer((c) => {
      conns.add(c);
      c.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      const run = await runDiagnose(['-r', `unix://${sock}`, '-t', '1s'], root);
      const f = expectOnly(run, 'socket-no-answer', /accepts connections but does not answer/);
      assert.match(allText(f), new RegExp(`pid ${process.pid} `), 'names the listening process');
    } finally {
      for (const c of conns) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('permission denied for an unprivileged client', { skip: process.getuid?.() !== 0 && 'needs root to run the client as nobody' }, async () => {
    const root = hostRoot();
    // The harness dir is 0700; let others reach the socket, which containerd makes srw-rw---- root root.
    fs.chmodSync(ctd().dir, 0o711);
    const run = await runDiagnose(['-r', ctd().endpoint, '--runtime-config', ctd().configPath], root, { asNobody: true });
    const f = expectOnly(run, 'socket-permission-denied', /connect\(.*containerd\.sock\): permission denied/);
    assert.match(allText(f), /srw-rw---- owner root \(0\), group root \(0\)/);
    assert.match(allText(f), /containerd pid \d+ is running: this is an access problem/);
    const skipped = run.report!.checks.filter((c) => c.status === 'skipped').map((c) => c.id);
    assert.ok(skipped.includes('cri'), 'says it could not check the CRI');
  });

  it("permission denied by the socket's 0700 directory: fix names the directory; config checks not checked, no CNI error", { skip: process.getuid?.() !== 0 && 'needs root to run the client as nobody' }, async () => {
    const root = hostRoot();
    fs.chmodSync(ctd().dir, 0o700);
    const run = await runDiagnose(['-r', ctd().endpoint], root, { asNobody: true });
    const f = expectOnly(run, 'socket-permission-denied', new RegExp(`its directory ${ctd().dir} \\(drwx------\\) cannot be entered`));
    assert.ok(!f.fix.some((x) => /set \[grpc\] gid/.test(x)), f.fix.join('\n'));
    assert.match(f.fix.join('\n'), new RegExp(`chmod o\\+x ${ctd().dir}`));
    const checks = run.report!.checks;
    const handlers = checks.find((c) => c.id === 'runtime-handlers');
    assert.equal(handlers?.status, 'skipped', JSON.stringify(checks));
    assert.match(handlers!.reason!, /^cannot read /);
    assert.doesNotMatch(handlers!.reason!, /no daemon serves/);
    assert.equal(checks.find((c) => c.id === 'cni')?.status, 'skipped');
    assert.ok(!run.report!.findings.some((x) => x.id.startsWith('cni-')), describeFindings(run.report!));
  });
});

describe('diagnose e2e: containerd down', () => {
  it('stale socket after the daemon was killed', async () => {
    const ctd = await startContainerd({ noImages: true });
    try {
      await ctd.kill();
      assert.ok(fs.existsSync(ctd.socket));
      const run = await runDiagnose(['-r', ctd.endpoint, '--runtime-config', ctd.configPath], hostRoot());
      const f = expectOnly(run, 'socket-stale', /connection refused/);
      assert.match(f.explanation, /left behind by a runtime that was killed or crashed/);
    } finally {
      await ctd.stop();
    }
  });

  it('stale socket without a readable config: CNI and handlers are not checked, not reported as missing', async () => {
    const ctd = await startContainerd({ noImages: true });
    try {
      await ctd.kill();
      const root = hostRoot();
      const run = await runDiagnose(['-r', ctd.endpoint], root);
      expectOnly(run, 'socket-stale', /connection refused/);
      const defaultConfig = path.join(root, 'etc/containerd/config.toml');
      for (const id of ['settings', 'runtime-handlers', 'cni']) {
        const c = run.report!.checks.find((x) => x.id === id);
        assert.equal(c?.status, 'skipped', `${id}: ${JSON.stringify(c)}`);
        assert.match(c!.reason!, /config\.toml does not exist; the daemon could not be asked either .*effective settings are unknown/);
      }
      assert.ok(!run.report!.findings.some((x) => allText(x).includes(`from the config file ${defaultConfig}`)), describeFindings(run.report!));
      const text = await runDiagnose(['-r', ctd.endpoint], root, { json: false });
      assert.doesNotMatch(text.stdout, /cni-config-missing/);
      assert.match(text.stdout, /Not checked:[\s\S]*settings, runtime-handlers, cni(,\s+[a-z-]+)*:\s/);
    } finally {
      await ctd.stop();
    }
  });

  it('socket missing: the daemon is gone and so is its socket', async () => {
    const ctd = await startContainerd({ noImages: true });
    try {
      await ctd.kill();
      fs.rmSync(ctd.socket);
      const run = await runDiagnose(['-r', ctd.endpoint, '--runtime-config', ctd.configPath], hostRoot());
      const f = expectOnly(run, 'socket-missing', /containerd\.sock does not exist/);
      assert.match(f.explanation, /containerd is not running here/);
    } finally {
      await ctd.stop();
    }
  });

  it('TOML syntax error: the config is the root cause, the missing socket its consequence', async () => {
    const ctd = await startContainerd({ noImages: true });
    try {
      await ctd.kill();
      fs.rmSync(ctd.socket);
      const lines = fs.readFileSync(ctd.configPath, 'utf8').split('\n');
      const at = lines.findIndex((l) => l.includes(CRI_TABLE));
      lines[at] = lines[at].replace(/\]$/, ''); // unclosed table header, as in the failure catalogue
      fs.writeFileSync(ctd.configPath, lines.join('\n'));
      const run = await runDiagnose(['-r', ctd.endpoint, '--runtime-config', ctd.configPath], hostRoot());
      const f = expectOnly(run, 'runtime-config-syntax', new RegExp(`config\\.toml:${at + 1}:\\d+: TOML syntax error`), { consequences: ['socket-missing'] });
      assert.match(f.explanation, /exits at once on a syntax error/);
      assert.equal(run.report!.findings[1].id, 'socket-missing');
    } finally {
      await ctd.stop();
    }
  });
});

describe('diagnose e2e: CRI plugin failed to load', () => {
  const broken = (transform: (t: string) => string): ContainerdOptions => ({ allowBrokenCri: true, noImages: true, configTransform: transform });

  it('invalid snapshotter', async () => {
    const ctd = await startContainerd(broken((t) => t.replace(/snapshotter = "(overlayfs|native)"/, 'snapshotter = "zfs"')));
    try {
      const run = await runDiagnose(['-r', ctd.endpoint, '--runtime-config', ctd.configPath], hostRoot());
      const f = expectOnly(run, 'cri-plugin-failed', /init_err \(code 2\): failed to create CRI service: failed to find snapshotter "zfs"/);
      assert.match(f.title, /snapshotter "zfs" is not available/);
      assert.match(allText(f), /config\.toml:\d+: snapshotter = "zfs"/);
      const cri = run.report!.checks.find((c) => c.id === 'cri');
      assert.equal(cri?.status, 'skipped');
      assert.match(cri?.reason ?? '', /CRI plugin failed/);
    } finally {
      await ctd.stop();
    }
  });

  it('misplaced systemd_cgroup', async () => {
    const ctd = await startContainerd(broken((t) => inCriTable(t, 'systemd_cgroup = true')));
    try {
      const run = await runDiagnose(['-r', ctd.endpoint, '--runtime-config', ctd.configPath], hostRoot());
      const f = expectOnly(run, 'cri-plugin-failed', /`systemd_cgroup` only works for runtime io\.containerd\.runtime\.v1\.linux/);
      assert.match(allText(f), /config\.toml:\d+: systemd_cgroup = true/);
      assert.match(f.fix.join('\n'), /SystemdCgroup = true under/);
    } finally {
      await ctd.stop();
    }
  });

  it('undefined default_runtime_name', async () => {
    const ctd = await startContainerd(broken((t) => t.replace('default_runtime_name = "runc"', 'default_runtime_name = "crun"')));
    try {
      const run = await runDiagnose(['-r', ctd.endpoint, '--runtime-config', ctd.configPath], hostRoot());
      const f = expectOnly(run, 'cri-plugin-failed', /no corresponding runtime configured in `containerd\.runtimes` for `containerd` `default_runtime_name = "crun"/);
      assert.match(f.title, /default_runtime_name "crun" names a runtime that is not defined/);
    } finally {
      await ctd.stop();
    }
  });
});

describe('diagnose e2e: cross-checks on a running runtime', () => {
  it('sandbox image missing and its registry (127.0.0.1, nothing listening) unreachable', async () => {
    const port = await freePort();
    const ref = `127.0.0.1:${port}/pause:3.9`;
    const ctd = await startContainerd({ configTransform: (t) => t.replace(/sandbox_image = ".*"/, `sandbox_image = "${ref}"`) });
    try {
      const run = await runDiagnose(['-r', ctd.endpoint, '--runtime-config', ctd.configPath], hostRoot());
      const f = expectOnly(run, 'sandbox-image-missing', new RegExp(`would pull from http://127\\.0\\.0\\.1:${port}: 127\\.0\\.0\\.1:${port}: connection refused`));
      assert.match(f.title, /is not present and its registry cannot be reached/);
      assert.match(f.fix.join('\n'), new RegExp(`sandbox_image = "${ctd.images.pause.replace(/[./]/g, '\\$&')}"`), 'suggests the pause image that is present');
    } finally {
      await ctd.stop();
    }
  });

  it('a runtime handler whose shim does not exist', async () => {
    const ctd = await startContainerd({
      configTransform: (t) => `${t}\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]\n  runtime_type = "io.containerd.kata.v2"\n`,
    });
    try {
      const run = await runDiagnose(['-r', ctd.endpoint, '--runtime-config', ctd.configPath], hostRoot());
      const f = expectOnly(run, 'runtime-shim-missing', /runtime_type "io\.containerd\.kata\.v2" → binary containerd-shim-kata-v2, not found in .*containerd's PATH/, { warnings: [] });
      assert.equal(f.subject, 'kata');
    } finally {
      await ctd.stop();
    }
  });

  it('CNI config missing', async () => {
    const conf = emptyDir();
    const ctd = await startContainerd({ configTransform: (t) => t.replace(/conf_dir = ".*"/, `conf_dir = "${conf}"`) });
    try {
      const run = await runDiagnose(['-r', ctd.endpoint, '--runtime-config', ctd.configPath], hostRoot());
      const f = expectOnly(run, 'cni-config-missing', new RegExp(`no network config found in ${conf}`));
      assert.match(allText(f), /NetworkReady=false reason=NetworkPluginNotReady/);
    } finally {
      await ctd.stop();
    }
  });

  it('CNI plugin binary missing', async () => {
    const bin = emptyDir();
    const ctd = await startContainerd({ configTransform: (t) => t.replace(/bin_dir = ".*"/, `bin_dir = "${bin}"`) });
    try {
      const run = await runDiagnose(['-r', ctd.endpoint, '--runtime-config', ctd.configPath], hostRoot());
      const f = expectOnly(run, 'cni-plugin-missing', new RegExp(`failed to find plugin "loopback" in path \\[${bin}\\]`));
      assert.match(allText(f), /NetworkReady=true/);
      assert.match(f.fix[0], /\/usr\/lib\/cni/, 'points at the dir that has the plugins');
    } finally {
      await ctd.stop();
    }
  });
});

describe('diagnose e2e: kubelet vs runtime', () => {
  const ctd = withContainerd();

  it('kubelet config naming a socket that does not exist while the runtime is up', async () => {
    const root = hostRoot();
    kubeletConfig(root, 'cgroupfs', 'unix:///run/containerd/containerd.sock');
    const run = await runDiagnose(['-r', ctd().endpoint, '--runtime-config', ctd().configPath], root);
    const f = expectOnly(run, 'kubelet-endpoint-mismatch', /configured for .*\/run\/containerd\/containerd\.sock, which does not exist; the runtime answers at/);
    assert.match(allText(f), /config\.yaml:4: containerRuntimeEndpoint: unix:\/\/\/run\/containerd\/containerd\.sock/);
  });

  it('kubelet cgroupDriver: systemd vs runtime SystemdCgroup = false', async () => {
    const root = hostRoot();
    kubeletConfig(root, 'systemd');
    linkDefaultSocket(root, ctd());
    const run = await runDiagnose(['--runtime-config', ctd().configPath], root);
    const f = expectOnly(run, 'cgroup-driver-mismatch', /the kubelet uses systemd, the runtime \(handler "runc"\) uses cgroupfs/);
    assert.match(allText(f), /config\.yaml:3: cgroupDriver: systemd/);
    assert.match(f.explanation, /two managers own the cgroup tree/);
  });
});

describe('diagnose e2e: kubelet cgroupfs vs runtime SystemdCgroup = true', () => {
  const ctd = withContainerd({ configTransform: (t) => t.replace(/(\n\s*)(Root = .*)/, '$1$2$1SystemdCgroup = true') });

  it('reports the mismatch that makes every pod fail', async () => {
    const root = hostRoot();
    kubeletConfig(root, 'cgroupfs');
    linkDefaultSocket(root, ctd());
    const run = await runDiagnose(['--runtime-config', ctd().configPath], root);
    const f = expectOnly(run, 'cgroup-driver-mismatch', /the kubelet uses cgroupfs, the runtime \(handler "runc"\) uses systemd/);
    assert.match(f.explanation, /expected cgroupsPath to be of format "slice:prefix:name"/);
    assert.match(allText(f), /config\.toml:\d+: SystemdCgroup = true/);
  });
});

describe('diagnose e2e: several faults at once', () => {
  it('finds each, root cause first', async () => {
    const bin = emptyDir();
    const ctd = await startContainerd({
      allowBrokenCri: true,
      noImages: true,
      configTransform: (t) => t.replace(/snapshotter = "(overlayfs|native)"/, 'snapshotter = "zfs"').replace(/bin_dir = ".*"/, `bin_dir = "${bin}"`),
    });
    try {
      const root = hostRoot();
      kubeletConfig(root, 'systemd', 'unix:///run/containerd/containerd.sock');
      const run = await runDiagnose(['-r', ctd.endpoint, '--runtime-config', ctd.configPath], root);
      const r = run.report!;
      const ctx = describeFindings(r);
      assert.equal(run.code, 2, ctx);
      const errors = r.findings.filter((f) => f.severity === 'error');
      assert.deepEqual(errors.map((f) => f.id), ['cri-plugin-failed', 'kubelet-endpoint-mismatch', 'cgroup-driver-mismatch', 'cni-plugin-missing'], ctx);
      assert.match(allText(errors[0]), /failed to find snapshotter "zfs"/);
      assert.match(allText(errors[3]), /failed to find plugin "loopback"/);
      assert.deepEqual(r.findings.filter((f) => f.severity === 'warning'), []);
    } finally {
      await ctd.stop();
    }
  });
});

describe('diagnose e2e: could not diagnose', () => {
  it('exits 3 on a bad flag value and on an unreadable --runtime-config', async () => {
    const root = hostRoot();
    let run = await runDiagnose(['-o', 'yaml'], root, { json: false });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /yaml/);
    run = await runDiagnose(['--runtime-config', path.join(root, 'nope.toml')], root, { json: false });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /--runtime-config .*nope\.toml does not exist/);
    run = await runDiagnose(['--no-such-flag'], root, { json: false });
    assert.equal(run.code, 3, run.stderr);
  });

  it('documents the exit codes in --help', async () => {
    const run = await runDiagnose(['--help'], hostRoot(), { json: false });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /3\s+could not diagnose/);
    assert.match(run.stdout, /2\s+errors found/);
  });
});

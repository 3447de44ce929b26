/**
 * The faults diagnose used to misread (issue 11), each injected into a real
 * containerd 1.6 from the harness (or run through the real containerd binary,
 * for a daemon that refuses to start), then diagnosed by tcrictl as a
 * subprocess. Each test first shows the fault is real (the pod fails the way
 * an operator would see it, or containerd prints its own error), then checks
 * that the first finding names the cause and its fix.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startContainerd, tomlSet, CRI_TABLE, type Containerd, type ContainerdOptions } from './harness/containerd';
import { criCall, repoRoot, runContainer, runPod, SLEEPER_COMMAND, waitForState } from './harness/cri-fixture';

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
  exitCode: number;
  endpoint: { endpoint: string; source: string; outcome: string } | null;
  files: { runtimeConfig: { path: string; chosenBy: string } | null };
  findings: Finding[];
}

const BIN = path.join(repoRoot(), 'bin', 'run.js');
const temps: string[] = [];
after(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join('/tmp', prefix));
  fs.chmodSync(d, 0o755);
  temps.push(d);
  return d;
}

function write(root: string, rel: string, text: string, mode?: number): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text, mode === undefined ? undefined : { mode });
  return p;
}

function runDiagnose(args: string[], root: string, env: Record<string, string> = {}): Promise<{ code: number | null; report: Report; stderr: string }> {
  const e: NodeJS.ProcessEnv = { ...process.env, TCRICTL_HOST_ROOT: root, ...env };
  delete e.TCRICTL_ENDPOINTS;
  if (!env.CONTAINER_RUNTIME_ENDPOINT) delete e.CONTAINER_RUNTIME_ENDPOINT;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'diagnose', '-o', 'json', ...args], { env: e, stdio: ['ignore', 'pipe', 'pipe'], cwd: os.tmpdir() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        resolve({ code, report: JSON.parse(stdout) as Report, stderr });
      } catch {
        reject(new Error(`no JSON report (exit ${code}): ${stderr} ${stdout.slice(0, 300)}`));
      }
    });
  });
}

const all = (f: Finding) => [f.title, ...f.evidence, f.explanation, ...f.fix].join('\n');
const describeAll = (r: Report) => r.findings.map((f) => `${f.severity} ${f.id}${f.consequenceOf ? ` (of ${f.consequenceOf})` : ''}: ${f.title}`).join('\n');

/** The first finding is `id`, an error; returns it. */
function first(r: Report, id: string): Finding {
  assert.ok(r.findings.length, 'no findings');
  assert.equal(r.findings[0].id, id, describeAll(r));
  assert.equal(r.findings[0].consequenceOf, undefined, describeAll(r));
  return r.findings[0];
}

/** Every other error is a consequence of the root cause: nothing sends the operator elsewhere. */
function noOtherRootErrors(r: Report, root: Finding): void {
  const others = r.findings.filter((f) => f !== root && f.severity === 'error' && !f.consequenceOf);
  assert.deepEqual(others.map((f) => f.id), [], describeAll(r));
}

function withContainerd(opts: ContainerdOptions = {}): () => Containerd {
  let ctd: Containerd | undefined;
  before(async () => {
    ctd = await startContainerd(opts);
  });
  after(() => ctd?.stop());
  return () => ctd!;
}

/** Runs the real containerd binary on a config that makes it refuse to start; returns what it printed. */
function refusedStart(config: string): string {
  const r = spawnSync('containerd', ['--config', config], { encoding: 'utf8', timeout: 15_000 });
  assert.notEqual(r.status, 0, `containerd started with ${config}`);
  return `${r.stdout}${r.stderr}`;
}

/** A working CNI setup for a hand-written config (loopback from the host's plugins), so only the injected fault remains. */
function cniTable(root: string): string {
  const conf = write(root, 'net.d/10-loopback.conflist', JSON.stringify({ cniVersion: '0.4.0', name: 'lo', plugins: [{ type: 'loopback' }] }));
  return `[plugins."io.containerd.grpc.v1.cri".cni]\n  conf_dir = "${path.dirname(conf)}"\n  bin_dir = "/usr/lib/cni"\n`;
}

describe('misread: runc not on containerd\'s PATH', () => {
  // containerd's PATH holds nothing: its shim is still found next to its binary, runc is not.
  const bin = tempDir('tcri-mis-path-');
  fs.symlinkSync(spawnSync('sh', ['-c', 'command -v containerd'], { encoding: 'utf8' }).stdout.trim(), path.join(bin, 'containerd'));
  const ctd = withContainerd({ daemonPath: bin });

  it('a pod fails with "executable file not found in $PATH", and diagnose says runc is not on containerd\'s PATH', async () => {
    await assert.rejects(runPod(ctd(), { name: 'no-runc' }), /runc.*executable file not found in \$PATH/);
    const { code, report } = await runDiagnose(['-r', ctd().endpoint, '--runtime-config', ctd().configPath], tempDir('tcri-mis-'));
    assert.equal(code, 2, describeAll(report));
    const f = first(report, 'runtime-binary-missing');
    const runc = /\(it is at (\/\S+runc)\)/.exec(f.title)?.[1];
    assert.ok(runc && fs.existsSync(runc), f.title);
    assert.match(f.title, /runc is not on containerd's PATH/);
    assert.match(all(f), /\/proc\/\d+\/environ/);
    assert.match(f.fix[0], new RegExp(`BinaryName = "${runc}"`));
    noOtherRootErrors(report, f);
  });
});

describe('misread: containerd listening on another address', () => {
  // Two daemons; the one that does not serve the config under diagnosis is started first (lower pid).
  const other = withContainerd({ noImages: true });
  const mine = withContainerd({ noImages: true });

  it('names the daemon started with the config under diagnosis, not the first one in /proc', async () => {
    const root = tempDir('tcri-mis-');
    write(root, 'var/lib/kubelet/config.yaml', 'kind: KubeletConfiguration\ncgroupDriver: cgroupfs\ncontainerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n');
    assert.ok(other().pid! < mine().pid!);
    const { code, report } = await runDiagnose(['--runtime-config', mine().configPath], root);
    assert.equal(code, 2, describeAll(report));
    const f = first(report, 'socket-missing');
    assert.match(f.title, /^Wrong endpoint/);
    assert.ok(f.title.includes(mine().socket), f.title);
    assert.ok(f.title.includes(`pid ${mine().pid}`), f.title);
    assert.ok(!f.title.includes(other().socket), 'never the other daemon in the title');
    assert.ok(f.fix[0].includes(mine().socket), f.fix[0]);
    assert.ok(!f.fix.join('\n').includes(other().socket), 'never the other daemon in the fix');
  });

  it('auto-detected: the default config names the moved [grpc] address, and the daemon listening there is the one named', async () => {
    const root = tempDir('tcri-mis-');
    write(root, 'var/lib/kubelet/config.yaml', 'kind: KubeletConfiguration\ncgroupDriver: cgroupfs\n');
    write(root, 'etc/containerd/config.toml', fs.readFileSync(mine().configPath, 'utf8'));
    const { code, report } = await runDiagnose([], root);
    assert.equal(code, 2, describeAll(report));
    assert.equal(report.files.runtimeConfig?.chosenBy, 'default');
    const f = first(report, 'socket-missing');
    assert.ok(f.title.includes(mine().socket) && f.title.includes(`pid ${mine().pid}`), f.title);
    assert.ok(!`${f.title}\n${f.fix.join('\n')}`.includes(other().socket), 'never the other daemon');
    assert.ok(f.evidence.some((e) => e.includes("containerd's config names another socket") && e.includes(mine().socket)), f.evidence.join('\n'));
  });
});

describe('misread: a dead containerd with a broken config, auto-detected', () => {
  it("reads the config its unit starts it with, reports containerd's own syntax error and position, and its last words", async () => {
    const root = tempDir('tcri-mis-');
    const sock = path.join(root, 'run/containerd/containerd.sock');
    const cfg = write(root, 'srv/containerd/config.toml', `version = 2\nroot = "${root}/var/lib/containerd"\nstate = "${root}/run/containerd"\n[grpc]\n  address = "${sock}"\n[plugins]\n    [plugins."io.containerd.grpc.v1.cri".containerd\n      snapshotter = "native"\n`);
    // The default path holds a healthy file that this daemon never reads.
    write(root, 'etc/containerd/config.toml', 'version = 2\n');
    write(root, 'etc/systemd/system/containerd.service', `[Service]\nExecStart=/usr/bin/containerd\n`);
    write(root, 'etc/systemd/system/containerd.service.d/10-config.conf', `[Service]\nExecStart=\nExecStart=/usr/bin/containerd --config ${cfg}\n`);
    write(root, 'var/lib/kubelet/config.yaml', 'kind: KubeletConfiguration\ncgroupDriver: cgroupfs\n');
    const said = refusedStart(cfg);
    const pos = /\((\d+), (\d+)\): (.*)$/m.exec(said);
    assert.ok(pos, said);
    write(root, 'var/log/containerd/containerd.log', said);
    const { code, report } = await runDiagnose([], root);
    assert.equal(code, 2, describeAll(report));
    assert.equal(report.files.runtimeConfig?.path, cfg);
    assert.equal(report.files.runtimeConfig?.chosenBy, 'unit');
    const f = first(report, 'runtime-config-syntax');
    assert.ok(f.title.startsWith(`${cfg}:${pos[1]}:${pos[2]}:`), `${f.title} vs containerd's (${pos[1]}, ${pos[2]})`);
    assert.ok(f.evidence.some((e) => e.includes('failed to load TOML')), 'containerd\'s last words are quoted');
    const missing = report.findings.find((x) => x.id === 'socket-missing');
    assert.equal(missing?.consequenceOf, 'runtime-config-syntax', describeAll(report));
    noOtherRootErrors(report, f);
  });
});

describe('misread: the TOML error position', () => {
  const broken: Record<string, string> = {
    header: 'version = 2\n[plugins]\n    [plugins."io.containerd.grpc.v1.cri".containerd\n      snapshotter = "native"\n',
    string: 'version = 2\n[grpc]\n  address = "/run/x.sock\n',
    number: 'version = 2\n[grpc]\n  uid = 0x\n',
    bareValue: 'version = 2\n[grpc]\n  address = /run/x.sock\n',
    twoValues: 'version = 2\n[grpc]\n  uid = 1 2\n',
    duplicate: 'version = 2\n[grpc]\n  uid = 1\n  uid = 2\n',
  };

  it('is the line and column containerd itself reports', async () => {
    const { parseToml } = await import('../src/diagnose/toml');
    const dir = tempDir('tcri-mis-');
    for (const [name, text] of Object.entries(broken)) {
      const file = write(dir, `${name}.toml`, text);
      const said = refusedStart(file);
      const m = /\((\d+), (\d+)\)/.exec(said);
      assert.ok(m, `${name}: ${said}`);
      const r = parseToml(text);
      assert.equal(r.ok, false, name);
      if (!r.ok) assert.deepEqual([r.error.line, r.error.column], [Number(m[1]), Number(m[2])], `${name}: containerd said ${said.trim()}`);
    }
  });
});

describe('misread: the first CNI config file is broken', () => {
  const ctd = withContainerd();

  it('names the broken file and its parse error; no "restart containerd"', async () => {
    fs.writeFileSync(path.join(ctd().cniConfDir, '05-broken.conflist'), '{"cniVersion": "0.4.0", "name": "x", "plugins": [\n');
    // containerd itself gives up at that file (it watches the directory).
    let last = '';
    for (let i = 0; i < 100 && !/05-broken/.test(last); i++) {
      const st = await criCall<{ info: Record<string, string> }>(ctd().endpoint, 'RuntimeService', 'Status', { verbose: true });
      last = st.info.lastCNILoadStatus ?? '';
      if (!/05-broken/.test(last)) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(last, /05-broken\.conflist/);
    const { code, report } = await runDiagnose(['-r', ctd().endpoint, '--runtime-config', ctd().configPath], tempDir('tcri-mis-'));
    assert.equal(code, 2, describeAll(report));
    const f = first(report, 'cni-config-invalid');
    assert.ok(f.title.includes(`${ctd().cniConfDir}/05-broken.conflist`), f.title);
    assert.match(f.explanation, /10-loopback\.conflist/);
    assert.doesNotMatch(all(f), /restart containerd|systemctl restart/i);
    noOtherRootErrors(report, f);
    fs.rmSync(path.join(ctd().cniConfDir, '05-broken.conflist'));
  });
});

describe('misread: exists but unusable', () => {
  const dir = tempDir('tcri-mis-bin-');
  const runc = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => fs.existsSync(p))!;
  const copy = path.join(dir, 'runc');
  fs.copyFileSync(runc, copy);
  fs.chmodSync(copy, 0o644);
  const ctd = withContainerd({ configTransform: (t) => tomlSet(t, `${CRI_TABLE}.containerd.runtimes.runc.options`, 'BinaryName', JSON.stringify(copy)) });

  it('a runc without its execute bit: "not executable", never "missing"', async () => {
    await assert.rejects(runPod(ctd(), { name: 'noexec' }), /permission denied/);
    const { report } = await runDiagnose(['-r', ctd().endpoint, '--runtime-config', ctd().configPath], tempDir('tcri-mis-'));
    const f = first(report, 'runtime-binary-unusable');
    assert.match(f.title, /is not executable \(mode -rw-r--r--\)/);
    assert.doesNotMatch(all(f), /missing|not found|does not exist/i);
    assert.equal(f.fix[0], `$ sudo chmod 755 ${copy}`);
    noOtherRootErrors(report, f);
  });

  it('a root directory that is a file: containerd refuses to start; diagnose says why, with its last words', async () => {
    const root = tempDir('tcri-mis-');
    const blocker = write(root, 'var/lib/containerd', 'not a directory\n');
    const sock = path.join(root, 'run/c.sock');
    const cfg = write(root, 'cfg/config.toml', `version = 2\nroot = "${blocker}/root"\nstate = "${root}/run/state"\n[grpc]\n  address = "${sock}"\n${cniTable(root)}`);
    const said = refusedStart(cfg);
    assert.match(said, /not a directory/);
    write(root, 'var/log/containerd/containerd.log', said);
    const { code, report } = await runDiagnose(['-r', `unix://${sock}`, '--runtime-config', cfg], root);
    assert.equal(code, 2, describeAll(report));
    const f = first(report, 'runtime-path-unusable');
    assert.match(f.title, /root .* cannot be used/);
    assert.ok(all(f).includes(`${blocker} is a file, not a directory`), all(f));
    assert.ok(f.evidence.some((e) => e.includes('mkdir') && e.includes('not a directory') && e.startsWith('  ')), 'containerd\'s own words');
    assert.equal(report.findings.find((x) => x.id === 'socket-missing')?.consequenceOf, 'runtime-path-unusable', describeAll(report));
    noOtherRootErrors(report, f);
  });

  it('a socket path too long to bind', async () => {
    const root = tempDir('tcri-mis-');
    const sock = path.join(root, 'd'.repeat(100), 'c.sock');
    const cfg = write(root, 'cfg/config.toml', `version = 2\nroot = "${root}/root"\nstate = "${root}/state"\n[grpc]\n  address = "${sock}"\n${cniTable(root)}`);
    assert.match(refusedStart(cfg), /unix socket path too long/);
    const { report } = await runDiagnose(['-r', `unix://${sock}`, '--runtime-config', cfg], root);
    const f = first(report, 'runtime-path-unusable');
    assert.match(all(f), /too long/);
    noOtherRootErrors(report, f);
  });
});

describe('misread: a drop-in that replaces the CRI table (config imports on containerd 1.x)', () => {
  let dropIn = '';
  const ctd = withContainerd({
    noImages: true,
    configTransform: (t) => {
      dropIn = path.join(os.tmpdir(), `tcri-dropin-${process.pid}-${Date.now()}.toml`);
      temps.push(dropIn);
      fs.writeFileSync(dropIn, '[plugins."io.containerd.grpc.v1.cri".containerd]\n  default_runtime_name = "runc"\n');
      return t.replace('version = 2\n', `version = 2\nimports = [${JSON.stringify(dropIn)}]\n`);
    },
  });

  it('containerd really dropped the main file\'s CNI dirs; diagnose names the drop-in first', async () => {
    const st = await criCall<{ info: Record<string, string> }>(ctd().endpoint, 'RuntimeService', 'Status', { verbose: true });
    const cni = JSON.parse(st.info.config).cni as { confDir: string };
    assert.notEqual(cni.confDir, ctd().cniConfDir, 'containerd 1.x replaced the CRI table');
    const { report } = await runDiagnose(['-r', ctd().endpoint, '--runtime-config', ctd().configPath], tempDir('tcri-mis-'));
    const f = first(report, 'runtime-config-import-replaces');
    assert.ok(f.title.startsWith(dropIn), f.title);
    assert.ok(f.evidence.some((e) => e.includes('conf_dir') && e.includes(ctd().configPath)), f.evidence.join('\n'));
    for (const x of report.findings.filter((y) => /^cni-/.test(y.id))) assert.equal(x.consequenceOf, 'runtime-config-import-replaces', describeAll(report));
    noOtherRootErrors(report, f);
  });
});

describe('F26: a pod asks for a runtime handler containerd does not have', () => {
  const ctd = withContainerd();

  it('RunPodSandbox fails with "no runtime for "nvidia""; diagnose finds it in containerd\'s log', async () => {
    const config = { metadata: { name: 'gpu', namespace: 'default', uid: 'u-gpu', attempt: 0 }, linux: { securityContext: { namespaceOptions: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } } };
    await assert.rejects(criCall(ctd().endpoint, 'RuntimeService', 'RunPodSandbox', { config, runtimeHandler: 'nvidia' }), /no runtime for "nvidia" is configured/);
    // The daemon's stderr reaches the harness a moment after the RPC's answer.
    for (let i = 0; i < 100 && !/no runtime for/.test(ctd().daemonLog()); i++) await new Promise((r) => setTimeout(r, 50));
    const root = tempDir('tcri-mis-');
    write(root, 'var/log/containerd/containerd.log', ctd().daemonLog());
    const { code, report } = await runDiagnose(['-r', ctd().endpoint, '--runtime-config', ctd().configPath], root);
    assert.equal(code, 2, describeAll(report));
    const f = first(report, 'runtime-handler-unknown');
    assert.equal(f.subject, 'nvidia');
    assert.match(f.fix[0], /runtimes\.nvidia/);
    noOtherRootErrors(report, f);
  });
});

describe('a healthy node with running and exited workloads', () => {
  const ctd = withContainerd();

  it('no finding at all, also with the endpoint from CONTAINER_RUNTIME_ENDPOINT (labelled so)', async () => {
    const pod = await runPod(ctd(), { name: 'web' });
    const running = await runContainer(ctd(), pod, { name: 'app', command: SLEEPER_COMMAND });
    const done = await runContainer(ctd(), pod, { name: 'job', command: ['/bin/sh', '-c', 'echo done'] });
    await waitForState(ctd(), running, 'CONTAINER_RUNNING');
    await waitForState(ctd(), done, 'CONTAINER_EXITED');
    const root = tempDir('tcri-mis-');
    write(root, 'var/lib/kubelet/config.yaml', 'kind: KubeletConfiguration\ncgroupDriver: cgroupfs\n');
    // The kubelet's default socket leads to this containerd, as on a node.
    fs.mkdirSync(path.join(root, 'run/containerd'), { recursive: true });
    fs.symlinkSync(ctd().socket, path.join(root, 'run/containerd/containerd.sock'));
    const { code, report } = await runDiagnose(['--runtime-config', ctd().configPath], root, { CONTAINER_RUNTIME_ENDPOINT: ctd().endpoint });
    assert.deepEqual(report.findings.filter((f) => f.severity !== 'info').map((f) => f.id), [], describeAll(report));
    assert.equal(code, 0);
    assert.equal(report.endpoint?.source, 'CONTAINER_RUNTIME_ENDPOINT');
  });

  it('a kubelet config that does not parse: only that, never an endpoint mismatch from the defaults', async () => {
    const root = tempDir('tcri-mis-');
    write(root, 'var/lib/kubelet/config.yaml', 'kind: KubeletConfiguration\ncgroupDriver: [systemd\n');
    const { report } = await runDiagnose(['-r', ctd().endpoint, '--runtime-config', ctd().configPath], root);
    assert.deepEqual(report.findings.filter((f) => f.severity !== 'info').map((f) => f.id), ['kubelet-config-invalid'], describeAll(report));
  });
});

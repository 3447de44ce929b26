/**
 * A private, real containerd 1.6 for e2e tests: one daemon per call, never the system's.
 *
 *   const ctd = await startContainerd();          // ready: containerd + CRI + both images
 *   after(() => ctd.stop());                      // always, even when a test failed
 *   criCall(ctd.endpoint, 'RuntimeService', 'Version', {})   (see cri-fixture.ts)
 *
 * Options (all optional):
 *   configTransform(toml) -> toml   patch the generated config (fault injection)
 *   allowBrokenCri                  wait only for the socket and containerd's Version API
 *   noImages                        skip importing the two test images
 *   startTimeoutMs                  readiness deadline (default 30 s)
 *   tomlSet(toml, table, key, value) and CRI_TABLE help write configTransform patches.
 *
 * The returned Containerd:
 *   dir            temp dir owning everything (/tmp/tcri-XXXXXX)
 *   socket         absolute gRPC socket path; endpoint = 'unix://' + socket
 *   configPath     the config.toml the daemon runs with
 *   logDir         parent of the pods' log directories
 *   images         { busybox, pause }: refs exactly as CRI lists them in repoTags
 *   root, state    containerd's root and state dirs (under dir)
 *   cniConfDir     CNI conf dir (holds a loopback-only conflist)
 *   registryConfigDir  CRI registry config_path: write <host>/hosts.toml here for a 127.0.0.1 registry
 *   snapshotter    'overlayfs' where it works here, else 'native'
 *   streamPort     port of CRI's streaming server on 127.0.0.1 (exec/attach/port-forward URLs)
 *   pid            the daemon's pid (undefined when not running)
 *   stop()         SIGTERM (SIGKILL after 5 s), kill this root's runc containers and shims,
 *                  unmount, remove cgroups it made, rm -rf dir. Idempotent. Throws if something stayed.
 *   kill()         SIGKILL the daemon only: the socket file stays behind (a stale socket)
 *   restart()      start the daemon again on the same config and state (e.g. after kill())
 *   ctr(args)      run `ctr -a <socket> <args...>`, resolve with stdout
 *   daemonLog()    containerd's stdout+stderr so far
 *
 * Every instance has its own dir, socket, runc root and stream port, so test files may run
 * concurrently. A process 'exit' (and SIGINT/SIGTERM) hook kills whatever is still running.
 * Known host leftovers: containerd 1.6 puts shim sockets in /run/containerd/s/ whatever
 * the config says; stop() removes this instance's socket files there, not the directory.
 */
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { mounts } from '../../src/diagnose/collect/node';
import { criCall } from './cri-fixture';
import { IMAGE_REFS, buildImageArchives, removeImageArchives, type ImageName } from './images';

export interface ContainerdOptions {
  /** Extra TOML appended to / patched into the generated config (for fault injection). */
  configTransform?: (toml: string) => string;
  /** If true, do not wait for CRI to become ready (CRI plugin may be broken on purpose); wait only for the socket + containerd's Version API. */
  allowBrokenCri?: boolean;
  /** If true, do not import images. */
  noImages?: boolean;
  /** How long start-up may take before it fails with the daemon's log; default 30 s. */
  startTimeoutMs?: number;
  /** The daemon's PATH (fault injection: runc not on containerd's PATH); default systemd's. */
  daemonPath?: string;
}

export interface Containerd {
  dir: string;
  socket: string;
  endpoint: string;
  configPath: string;
  logDir: string;
  images: { busybox: string; pause: string };
  root: string;
  state: string;
  cniConfDir: string;
  registryConfigDir: string;
  snapshotter: 'overlayfs' | 'native';
  streamPort: number;
  readonly pid: number | undefined;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  ctr(args: string[]): Promise<string>;
  daemonLog(): string;
}

const DAEMON_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const K8S_NAMESPACE = 'k8s.io';
const MAX_LOG_CHARS = 4 * 1024 * 1024;

// ---------------------------------------------------------------- host probes

let snapshotterCache: 'overlayfs' | 'native' | undefined;

/** overlayfs if an overlay mount works in the temp dir (it does not inside some sandboxes), else native. */
export function detectSnapshotter(): 'overlayfs' | 'native' {
  const forced = process.env.TCRICTL_TEST_SNAPSHOTTER;
  if (forced === 'overlayfs' || forced === 'native') return forced;
  if (snapshotterCache) return snapshotterCache;
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-ovl-'));
  const [lower, upper, work, merged] = ['l', 'u', 'w', 'm'].map((n) => path.join(d, n));
  for (const p of [lower, upper, work, merged]) fs.mkdirSync(p);
  try {
    const opts = `lowerdir=${lower},upperdir=${upper},workdir=${work}`;
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', opts, merged], { stdio: 'ignore' });
    execFileSync('umount', [merged], { stdio: 'ignore' });
    snapshotterCache = 'overlayfs';
  } catch {
    snapshotterCache = 'native';
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
  return snapshotterCache;
}

/** A free TCP port on 127.0.0.1 (containerd 1.6 would advertise ':0' in stream URLs if given port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A temp dir whose socket path stays far below the ~107-byte unix socket limit. */
function makeTempDir(): string {
  const base = os.tmpdir().length <= 60 ? os.tmpdir() : '/tmp';
  return fs.mkdtempSync(path.join(base, 'tcri-'));
}

// ---------------------------------------------------------------- config

export interface ConfigPaths {
  root: string;
  state: string;
  socket: string;
  optDir: string;
  runcRoot: string;
  cniConfDir: string;
  registryConfigDir: string;
  snapshotter: string;
  streamPort: number;
  sandboxImage: string;
}

const q = (s: string) => JSON.stringify(s); // TOML basic strings accept JSON string escapes

/** The generated config.toml (version 2). */
export function renderConfig(p: ConfigPaths): string {
  const cri = '[plugins."io.containerd.grpc.v1.cri"';
  return `version = 2
root = ${q(p.root)}
state = ${q(p.state)}
# Snapshotters that cannot work here; skipping them keeps the log quiet.
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
]

[grpc]
  address = ${q(p.socket)}

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = ${q(p.optDir)}
  ${cri}]
    sandbox_image = ${q(p.sandboxImage)}
    # Without this every pod fails with "oom_score_adj: Permission denied" in a sandbox.
    restrict_oom_score_adj = true
    disable_apparmor = true
    # Pod network namespaces (only for non-host-network pods) under our state dir, not /run/netns.
    netns_mounts_under_state_dir = true
    stream_server_address = "127.0.0.1"
    stream_server_port = ${q(String(p.streamPort))}
    ${cri}.containerd]
      snapshotter = ${q(p.snapshotter)}
      default_runtime_name = "runc"
      ${cri}.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        ${cri}.containerd.runtimes.runc.options]
          # runc's state, else it would be /run/containerd/runc, shared with the host.
          Root = ${q(p.runcRoot)}
    ${cri}.cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = ${q(p.cniConfDir)}
    ${cri}.registry]
      config_path = ${q(p.registryConfigDir)}
`;
}

/**
 * Sets `key = rawValue` inside table `[table]` of a generated config, replacing an existing
 * assignment of that key in that table, or appending the table if it is missing. For configTransform:
 *   tomlSet(t, 'plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options', 'BinaryName', '"/nope"')
 * (A second `[plugins."io.containerd.grpc.v1.cri"]` header appended at the end would be invalid TOML.)
 */
export function tomlSet(toml: string, table: string, key: string, rawValue: string): string {
  const lines = toml.split('\n');
  const header = lines.findIndex((l) => l.trim() === `[${table}]`);
  if (header < 0) return `${toml.trimEnd()}\n\n[${table}]\n  ${key} = ${rawValue}\n`;
  let end = header + 1;
  while (end < lines.length && !lines[end].trim().startsWith('[')) end++;
  const indent = (lines[header].match(/^\s*/)?.[0] ?? '') + '  ';
  const line = `${indent}${key} = ${rawValue}`;
  const existing = lines.slice(header + 1, end).findIndex((l) => l.trim().split(/\s*=/)[0] === key);
  if (existing >= 0) lines[header + 1 + existing] = line;
  else lines.splice(header + 1, 0, line);
  return lines.join('\n');
}

/** The CRI plugin's table name in a version-2 config, for tomlSet. */
export const CRI_TABLE = 'plugins."io.containerd.grpc.v1.cri"';

const LOOPBACK_CONFLIST = JSON.stringify(
  { cniVersion: '0.4.0', name: 'tcrictl-loopback', plugins: [{ type: 'loopback' }] },
  null,
  2,
);

// ---------------------------------------------------------------- process-wide cleanup

const live = new Set<Instance>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const inst of live) inst.cleanupSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      for (const inst of live) inst.cleanupSync();
      removeImageArchives(); // a signal death skips 'exit' hooks
      process.removeListener(sig, onSignal);
      // Re-raise for the default action, unless someone else (e.g. the test runner) handles it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

// ---------------------------------------------------------------- /proc helpers

function readProc(pid: string, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  const stat = readProc(String(pid), 'stat');
  if (!stat) return true; // gone
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** Shims serving this daemon (their argv carries `-address <socket>`) and all their descendants. */
export function shimProcesses(socket: string): number[] {
  const parentOf = new Map<number, number>();
  const shims: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(entry, 'stat');
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parentOf.set(Number(entry), ppid);
    const argv = (readProc(entry, 'cmdline') ?? '').split('\0');
    const addr = argv.indexOf('-address');
    if (argv[0]?.includes('containerd-shim') && addr >= 0 && argv[addr + 1] === socket) shims.push(Number(entry));
  }
  const found = new Set(shims);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parentOf) {
      if (!found.has(pid) && found.has(ppid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return [...found].filter((pid) => !isZombie(pid));
}

/** Mount points at or below dir, deepest first. */
export function mountsUnder(dir: string): string[] {
  return mounts()
    .map((m) => m.mountPoint)
    .filter((mp) => mp === dir || mp.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
}

// ---------------------------------------------------------------- the instance

class Instance implements Containerd {
  dir: string;
  socket: string;
  endpoint: string;
  configPath: string;
  logDir: string;
  images = { busybox: IMAGE_REFS.busybox as string, pause: IMAGE_REFS.pause as string };
  root: string;
  state: string;
  cniConfDir: string;
  registryConfigDir: string;
  snapshotter = detectSnapshotter();
  streamPort = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private exitInfo = '';
  private dead = false; // set on 'exit', and on 'error' (a spawn failure never sets exitCode)
  private log = '';
  private stopping: Promise<void> | undefined;

  constructor(readonly opts: ContainerdOptions) {
    this.dir = makeTempDir();
    this.socket = path.join(this.dir, 'containerd.sock');
    this.endpoint = `unix://${this.socket}`;
    this.configPath = path.join(this.dir, 'config.toml');
    this.logDir = path.join(this.dir, 'pods');
    this.root = path.join(this.dir, 'root');
    this.state = path.join(this.dir, 'state');
    this.cniConfDir = path.join(this.dir, 'cni', 'net.d');
    this.registryConfigDir = path.join(this.dir, 'certs.d');
  }

  get pid(): number | undefined {
    return this.running() ? this.child?.pid : undefined;
  }

  daemonLog(): string {
    return this.log;
  }

  private running(): boolean {
    return !!this.child && !this.dead;
  }

  async prepare(): Promise<void> {
    this.streamPort = await freePort();
    for (const d of [this.logDir, this.cniConfDir, this.registryConfigDir]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(this.cniConfDir, '10-loopback.conflist'), LOOPBACK_CONFLIST);
    let toml = renderConfig({
      root: this.root,
      state: this.state,
      socket: this.socket,
      optDir: path.join(this.dir, 'opt'),
      runcRoot: path.join(this.dir, 'runc'),
      cniConfDir: this.cniConfDir,
      registryConfigDir: this.registryConfigDir,
      snapshotter: this.snapshotter,
      streamPort: this.streamPort,
      sandboxImage: this.images.pause,
    });
    if (this.opts.configTransform) toml = this.opts.configTransform(toml);
    fs.writeFileSync(this.configPath, toml);
  }

  private appendLog(chunk: Buffer | string): void {
    this.log += chunk.toString();
    if (this.log.length > MAX_LOG_CHARS) this.log = this.log.slice(-MAX_LOG_CHARS / 2);
  }

  spawnDaemon(): void {
    const child = spawn('containerd', ['--config', this.configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: this.opts.daemonPath ?? DAEMON_PATH },
    });
    this.child = child;
    this.dead = false;
    this.exitInfo = '';
    child.stdout?.on('data', (c) => this.appendLog(c));
    child.stderr?.on('data', (c) => this.appendLog(c));
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
        this.dead = true;
        resolve();
      });
      child.once('error', (err) => {
        this.exitInfo = `could not be started: ${err.message} (bash scripts/ci-deps.sh installs containerd)`;
        this.appendLog(`spawn error: ${err.message}\n`);
        this.dead = true;
        resolve();
      });
    });
    // A test file that forgets stop() must still be able to exit; the exit hook kills the daemon.
    child.unref();
    for (const s of [child.stdout, child.stderr]) (s as unknown as { unref?: () => void })?.unref?.();
  }

  ctr(args: string[], timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'ctr',
        ['-a', this.socket, ...args],
        { timeout: timeoutMs, env: { ...process.env, PATH: DAEMON_PATH } },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`ctr ${args.join(' ')}: ${(stderr || err.message).trim()}`));
          else resolve(stdout);
        },
      );
    });
  }

  private startError(reason: string): Error {
    const tail = this.log.trimEnd().split('\n').slice(-40).join('\n');
    return new Error(
      `containerd (${this.configPath}) did not become ready: ${reason}\n--- containerd log (last 40 lines) ---\n${tail || '(empty)'}`,
    );
  }

  /** Polls `check` until it returns true; fails early if the daemon died. */
  private async poll(what: string, deadline: number, check: () => Promise<boolean>): Promise<void> {
    let lastError = '';
    for (;;) {
      if (!this.running()) {
        await this.waitExit(200);
        throw this.startError(`the daemon ${this.exitInfo || 'exited'} while waiting for ${what}`);
      }
      try {
        if (await check()) return;
      } catch (err) {
        lastError = (err as Error).message;
      }
      if (Date.now() > deadline) throw this.startError(`timed out waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
      await sleep(50);
    }
  }

  async waitReady(importImages: boolean): Promise<void> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 30_000);
    await this.poll('the socket', deadline, async () => fs.existsSync(this.socket));
    await this.poll("containerd's Version API", deadline, async () => {
      await this.ctr(['version'], 5_000);
      return true;
    });
    const checkCri = !this.opts.allowBrokenCri;
    if (checkCri) await this.poll('CRI RuntimeReady', deadline, () => this.criCondition('RuntimeReady'));
    if (importImages && !this.opts.noImages) await this.importImages();
    if (checkCri && !this.opts.noImages) await this.poll('the images in CRI ListImages', deadline, () => this.criHasImages());
    // NetworkReady only matters to tests that print `info`; give CNI a moment but do not fail on it.
    if (checkCri) await this.poll('CRI NetworkReady', Math.min(deadline, Date.now() + 5_000), () => this.criCondition('NetworkReady')).catch(() => undefined);
  }

  private async criCondition(type: string): Promise<boolean> {
    const res = await criCall<{ status: { conditions: { type: string; status: boolean }[] } }>(
      this.endpoint,
      'RuntimeService',
      'Status',
      {},
      5_000,
    );
    return res.status.conditions.some((c) => c.type === type && c.status);
  }

  private async criHasImages(): Promise<boolean> {
    const res = await criCall<{ images: { repoTags: string[] }[] }>(this.endpoint, 'ImageService', 'ListImages', {}, 5_000);
    const tags = new Set(res.images.flatMap((i) => i.repoTags));
    return Object.values(this.images).every((ref) => tags.has(ref));
  }

  private async importImages(): Promise<void> {
    const archives = buildImageArchives();
    for (const name of Object.keys(archives) as ImageName[]) {
      await this.ctr(['-n', K8S_NAMESPACE, 'images', 'import', '--snapshotter', this.snapshotter, archives[name]]);
    }
  }

  async kill(): Promise<void> {
    if (!this.running()) return;
    this.child!.kill('SIGKILL');
    await this.waitExit();
  }

  async restart(): Promise<void> {
    if (this.stopping) throw new Error('restart(): this containerd was stopped');
    if (this.running()) throw new Error('restart(): containerd is still running; kill() it first');
    this.spawnDaemon();
    await this.waitReady(false);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.terminateDaemon();
      const problems = this.cleanupSync();
      // SIGKILLed shims may linger a moment before their parent reaps them.
      const until = Date.now() + 5_000;
      while (shimProcesses(this.socket).length && Date.now() < until) await sleep(50);
      const left = shimProcesses(this.socket);
      if (left.length) problems.push(`processes still running: ${left.join(', ')}`);
      if (problems.length) throw new Error(`containerd harness cleanup of ${this.dir}: ${problems.join('; ')}`);
    })();
    return this.stopping;
  }

  /** The child is unref'd; hold the event loop open while we wait for it, or node would exit mid-await. */
  private async waitExit(ms?: number): Promise<boolean> {
    this.child?.ref();
    try {
      return ms === undefined ? (await this.exited, true) : await settlesWithin(this.exited, ms);
    } finally {
      this.child?.unref();
    }
  }

  private async terminateDaemon(): Promise<void> {
    if (!this.running()) return;
    this.child!.kill('SIGCONT'); // a test may have SIGSTOPped it (hung daemon)
    this.child!.kill('SIGTERM');
    if (await this.waitExit(5_000)) return;
    this.child!.kill('SIGKILL');
    await this.waitExit(5_000);
  }

  /** Synchronous so the process 'exit' hook can use it too. Returns what it could not clean. */
  cleanupSync(): string[] {
    const problems: string[] = [];
    if (this.running()) this.child!.kill('SIGKILL');
    const bundles = this.taskBundles();
    this.deleteRuncContainers();
    for (const pid of shimProcesses(this.socket)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const mp of mountsUnder(this.dir)) {
      try {
        execFileSync('umount', ['-l', mp], { stdio: 'ignore' });
      } catch {
        problems.push(`cannot unmount ${mp}`);
      }
    }
    removeCgroups(bundles.map((b) => b.cgroupsPath).filter((p): p is string => !!p));
    for (const b of bundles) if (b.shimSocket) fs.rmSync(b.shimSocket, { force: true });
    try {
      fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      problems.push(`cannot remove ${this.dir}: ${(err as Error).message}`);
    }
    live.delete(this);
    return problems;
  }

  /** Each task bundle's cgroup and shim socket, read from disk so it works with the daemon dead. */
  private taskBundles(): { cgroupsPath?: string; shimSocket?: string }[] {
    const out: { cgroupsPath?: string; shimSocket?: string }[] = [];
    const base = path.join(this.state, 'io.containerd.runtime.v2.task');
    for (const ns of safeReaddir(base)) {
      for (const id of safeReaddir(path.join(base, ns))) {
        const bundle = path.join(base, ns, id);
        let cgroupsPath: string | undefined;
        try {
          cgroupsPath = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8')).linux?.cgroupsPath;
        } catch {
          /* no spec */
        }
        let shimSocket: string | undefined;
        try {
          shimSocket = fs.readFileSync(path.join(bundle, 'address'), 'utf8').trim().replace(/^unix:\/\//, '');
        } catch {
          /* no address */
        }
        out.push({ cgroupsPath, shimSocket });
      }
    }
    return out;
  }

  /** `runc delete --force` kills a container's whole cgroup, which SIGKILLing its shim would not. */
  private deleteRuncContainers(): void {
    const runcRoot = path.join(this.dir, 'runc');
    for (const ns of safeReaddir(runcRoot)) {
      const root = path.join(runcRoot, ns);
      let ids: string[] = [];
      try {
        ids = execFileSync('runc', ['--root', root, 'list', '-q'], { encoding: 'utf8', timeout: 10_000, env: { PATH: DAEMON_PATH } })
          .split('\n')
          .filter(Boolean);
      } catch {
        continue;
      }
      for (const id of ids) {
        try {
          execFileSync('runc', ['--root', root, 'delete', '--force', id], { stdio: 'ignore', timeout: 10_000, env: { PATH: DAEMON_PATH } });
        } catch {
          /* reported later if its processes survive */
        }
      }
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Removes container cgroups and their kubelet-style pod<uid> parents, in every hierarchy, if empty. */
function removeCgroups(cgroupsPaths: string[]): void {
  if (!cgroupsPaths.length) return;
  const hierarchies = mounts()
    .filter((m) => m.fsType === 'cgroup' || m.fsType === 'cgroup2')
    .map((m) => m.mountPoint);
  const targets = new Set<string>();
  for (const p of cgroupsPaths) {
    if (p.includes(':')) continue; // systemd-style slice:prefix:name, not made by this harness
    targets.add(p);
    if (path.basename(path.dirname(p)).startsWith('pod')) targets.add(path.dirname(p));
  }
  const ordered = [...targets].sort((a, b) => b.length - a.length); // children before parents
  for (const h of hierarchies) {
    for (const t of ordered) {
      try {
        fs.rmdirSync(path.join(h, t));
      } catch {
        /* absent or still in use */
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether p settles within ms; the timer is cleared either way so it cannot hold the process open. */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    p.then(done, done);
  });
}

/** Starts a private containerd and waits until it (and, unless told otherwise, CRI and the images) are ready. */
export async function startContainerd(opts: ContainerdOptions = {}): Promise<Containerd> {
  installExitHooks();
  const inst = new Instance(opts);
  live.add(inst);
  try {
    await inst.prepare();
    inst.spawnDaemon();
    await inst.waitReady(true);
  } catch (err) {
    await inst.stop().catch(() => undefined);
    throw err;
  }
  return inst;
}

/**
 * A private OCI registry on 127.0.0.1 for pull tests: Debian's docker-registry
 * (distribution 2.8) with its own config, storage dir and loopback port,
 * optionally behind htpasswd basic auth (bcrypt), fed with `skopeo copy`.
 *
 *   const reg = await startRegistry({ auth: { username: 'u', password: 'p' } });
 *   await reg.push(customArchive('x', ['sh']), 'test/busybox:1');  // → '127.0.0.1:PORT/test/busybox:1'
 *   trustRegistry(ctd, reg);        // hosts.toml: plain http to this registry
 *   await reg.stop();
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
import bcrypt = require('bcryptjs');
import { freePort, type Containerd } from './containerd';

export interface Registry {
  /** `127.0.0.1:PORT` */
  host: string;
  dir: string;
  auth?: { username: string; password: string };
  /** Copies an OCI archive into the registry as `repo:tag`; resolves with the full reference. */
  push(archive: string, repoTag: string): Promise<string>;
  stop(): Promise<void>;
  log(): string;
}

function config(dir: string, port: number, auth: boolean): string {
  return `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${JSON.stringify(path.join(dir, 'data'))}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
${auth ? `auth:\n  htpasswd:\n    realm: tcrictl-test\n    path: ${JSON.stringify(path.join(dir, 'htpasswd'))}\n` : ''}`;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

export async function startRegistry(opts: { auth?: { username: string; password: string } } = {}): Promise<Registry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcreg-'));
  const port = await freePort();
  if (opts.auth) fs.writeFileSync(path.join(dir, 'htpasswd'), `${opts.auth.username}:${bcrypt.hashSync(opts.auth.password, 10)}\n`);
  fs.writeFileSync(path.join(dir, 'config.yml'), config(dir, port, !!opts.auth));
  let log = '';
  const child: ChildProcess = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c) => (log += c));
  child.stderr!.on('data', (c) => (log += c));
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async () => {
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', () => child.kill('SIGKILL'));
  for (let i = 0; !(await portOpen(port)); i++) {
    if (exited || i > 200) {
      await stop();
      throw new Error(`docker-registry did not start on 127.0.0.1:${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const host = `127.0.0.1:${port}`;
  return {
    host,
    dir,
    auth: opts.auth,
    log: () => log,
    async push(archive, repoTag) {
      const creds = opts.auth ? ['--dest-creds', `${opts.auth.username}:${opts.auth.password}`] : [];
      await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', ...creds, `oci-archive:${archive}`, `docker://${host}/${repoTag}`]);
      return `${host}/${repoTag}`;
    },
    stop,
  };
}

/** Lets containerd pull from `reg` over plain http (its CRI registry config_path is registryConfigDir). */
export function trustRegistry(ctd: Containerd, reg: Registry): void {
  const d = path.join(ctd.registryConfigDir, reg.host);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, 'hosts.toml'), `server = "http://${reg.host}"\n\n[host."http://${reg.host}"]\n  capabilities = ["pull", "resolve"]\n`);
}

/**
 * diagnose rules, one failure at a time, over hand-written Facts (no runtime).
 * Each test breaks a healthy node in one place and checks that exactly the
 * expected finding appears, with its cause in the text.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Facts } from '../src/diagnose/facts';
import type { Finding } from '../src/diagnose/finding';
import { evaluate } from '../src/diagnose/rules';
import { validateCriConfig } from '../src/diagnose/rules/config-cri';
import { unknownKeys } from '../src/diagnose/rules/config-keys';
import { settingsFromFile, settingsFromStatus } from '../src/diagnose/runtime-config';
import { buildReport } from '../src/diagnose/report';
import { renderJson, renderText } from '../src/diagnose/render';
import { CONFIG_TOML, healthyFacts, okProbe, runtimeConfigOf, SOCKET, statusConfig } from './diagnose-fixtures';

const CRI = 'plugins."io.containerd.grpc.v1.cri"';

function problems(f: Facts): Finding[] {
  return evaluate(f).filter((x) => x.severity !== 'info');
}

/** The only problem (error or warning) is `id`; returns it. */
function only(f: Facts, id: string): Finding {
  const found = problems(f);
  assert.deepEqual(found.map((x) => x.id), [id], JSON.stringify(found.map((x) => `${x.id}: ${x.title}`)));
  return found[0];
}

function text(x: Finding): string {
  return [x.title, ...x.evidence, x.explanation, ...x.fix].join('\n');
}

/** The daemon down: nothing answered; only files and /proc were read. */
function daemonDown(f: Facts, outcome: 'missing' | 'refused' = 'missing'): Facts {
  const probe = okProbe(SOCKET, { outcome, detail: outcome === 'missing' ? 'no such socket' : 'connection refused', criVersion: undefined, stat: outcome === 'missing' ? undefined : { mode: 0o140660, uid: 0, gid: 0, isSocket: true } });
  return { ...f, endpoints: { explicit: true, chosen: probe, probes: [probe] }, containerd: undefined, cri: undefined, daemon: undefined, processes: [], settings: f.fileSettings, sandbox: undefined, imagefs: undefined };
}

function withConfig(f: Facts, toml: string): Facts {
  const rc = runtimeConfigOf(toml);
  return { ...f, runtimeConfig: rc, fileSettings: rc.data ? settingsFromFile(rc, '1.6.20~ds1', (p) => p) : undefined };
}

describe('diagnose rules: a healthy node', () => {
  it('reports nothing and exits 0; text says so, JSON has the documented shape', () => {
    const f = healthyFacts();
    const findings = evaluate(f);
    assert.deepEqual(findings, []);
    const report = buildReport(f, findings, 12);
    assert.equal(report.exitCode, 0);
    assert.match(renderText(report), /No problems found\./);
    // The footer lists every exit code --help documents, 3 included.
    assert.match(renderText(report), /Exit code 0 \(0 healthy, 1 warnings, 2 errors, 3 could not diagnose\)\.\n0 errors, 0 warnings · 0 checks passed · 0\.0 s\n$/);
    const json = JSON.parse(renderJson(report));
    assert.equal(json.schemaVersion, 1);
    assert.equal(json.status, 'healthy');
    assert.equal(json.endpoint.endpoint, `unix://${SOCKET}`);
    assert.deepEqual(Object.keys(json).sort(), ['caller', 'checks', 'durationMs', 'endpoint', 'endpointsProbed', 'exitCode', 'files', 'findings', 'runtime', 'schemaVersion', 'status', 'summary']);
  });
});

describe('diagnose rules: endpoints (F01–F06)', () => {
  it('socket missing, no daemon: says containerd is not running', () => {
    const x = only(daemonDown(healthyFacts()), 'socket-missing');
    assert.match(x.title, /\/run\/containerd\/containerd\.sock does not exist/);
    assert.match(text(x), /No containerd process is running/);
    assert.match(x.explanation, /containerd is not running here/);
  });

  it('socket missing while a containerd answers elsewhere: wrong endpoint, names the live socket', () => {
    const f = daemonDown(healthyFacts());
    f.processes = [{ pid: 7, argv: ['containerd', '--address', '/run/other.sock'], state: 'S', configPath: '/etc/containerd/config.toml', address: '/run/other.sock', socketProbe: { outcome: 'ok', detail: 'containerd 1.6.20~ds1' } }];
    const x = only(f, 'socket-missing');
    assert.match(x.title, /Wrong endpoint: .* containerd is running and listening on \/run\/other\.sock/);
    assert.match(x.explanation, /answers on \/run\/other\.sock/);
    assert.match(x.fix[0], /-r unix:\/\/\/run\/other\.sock/);
    assert.doesNotMatch(text(x), /Restart containerd|systemctl restart|not running here/);
  });

  it('wrong endpoint under TCRICTL_HOST_ROOT too: a daemon whose socket answers is reachable from here', () => {
    const f = daemonDown(healthyFacts());
    f.hostRoot = '/tmp/host';
    f.runtimeConfig = { how: 'default', state: { path: '/tmp/host/etc/containerd/config.toml', status: 'missing' }, keyLines: {}, imports: [] };
    f.fileSettings = undefined;
    f.settings = undefined;
    f.processes = [{ pid: 7, argv: ['containerd'], state: 'S', configPath: '/tmp/tcri-1/config.toml', address: '/tmp/tcri-1/containerd.sock', socketProbe: { outcome: 'ok', detail: 'containerd 1.6.20~ds1' } }];
    const x = only(f, 'socket-missing');
    assert.match(x.title, /Wrong endpoint/);
    assert.match(x.fix[1], /\/tmp\/tcri-1\/config\.toml/, 'names the config the daemon really uses');
    assert.doesNotMatch(text(x), /\/tmp\/host\/etc\/containerd\/config\.toml/, 'never the missing default file');
  });

  it('socket missing, a containerd runs elsewhere but its socket does not answer: not a wrong endpoint, says so', () => {
    const f = daemonDown(healthyFacts());
    f.hostRoot = '/tmp/host';
    f.runtimeConfig = { how: 'default', state: { path: '/tmp/host/etc/containerd/config.toml', status: 'missing' }, keyLines: {}, imports: [] };
    f.processes = [{ pid: 7, argv: ['containerd'], state: 'S', configPath: '/etc/containerd/config.toml', address: '/run/other.sock', socketProbe: { outcome: 'refused', detail: 'connection refused' } }];
    const x = only(f, 'socket-missing');
    assert.match(x.explanation, /containerd is not running here/);
    assert.match(text(x), /listening on \/run\/other\.sock \(connection refused\) \(a process of this machine; it may not belong to the inspected root \/tmp\/host\)/);
    assert.doesNotMatch(text(x), /--config \/tmp\/host/, 'no foreground command with a file that does not exist');
  });

  it('socket missing where the config in play names that socket: its daemon is down, other instances do not make it a wrong endpoint', () => {
    const f = daemonDown(healthyFacts());
    f.processes = [{ pid: 7, argv: ['containerd'], state: 'S', configPath: '/tmp/other/config.toml', address: '/tmp/other/containerd.sock', socketProbe: { outcome: 'ok', detail: 'containerd 1.6.20~ds1' } }];
    const x = only(f, 'socket-missing');
    assert.match(x.explanation, /containerd is not running here \(the containerd that runs uses another config and socket\)/);
    assert.match(x.fix[2], /sudo containerd --config \/etc\/containerd\/config\.toml/);
  });

  it('stale socket: connection refused, nobody listens', () => {
    const x = only(daemonDown(healthyFacts(), 'refused'), 'socket-stale');
    assert.match(x.title, /connection refused, nothing is listening/);
    assert.match(x.explanation, /left behind by a runtime that was killed or crashed/);
  });

  it('permission denied: socket mode and owner against the caller', () => {
    const f = healthyFacts();
    const probe = okProbe(SOCKET, { outcome: 'permission-denied', detail: 'permission denied', criVersion: undefined });
    Object.assign(f, { caller: { uid: 65534, gid: 65534, groups: [] }, endpoints: { explicit: true, chosen: probe, probes: [probe] }, containerd: undefined, cri: undefined, sandbox: undefined });
    const x = only(f, 'socket-permission-denied');
    assert.match(text(x), /srw-rw---- owner root \(0\), group root \(0\)/);
    assert.match(x.title, /\(65534\)/);
    assert.match(text(x), /containerd pid 42 is running: this is an access problem/);
  });

  it("permission denied by the socket's directory: the fix is root or the directory's mode, not [grpc] gid", () => {
    const f = healthyFacts();
    const probe = okProbe('/tmp/tcri-1/containerd.sock', { outcome: 'permission-denied', detail: 'permission denied', criVersion: undefined, stat: undefined, blockedDir: { path: '/tmp/tcri-1', mode: 0o40700, uid: 0, gid: 0 } });
    const hidden = { pid: 9, argv: ['containerd', '--config', '/tmp/tcri-1/config.toml'], state: 'S', configPath: '/tmp/tcri-1/config.toml', configError: 'permission denied' };
    Object.assign(f, { caller: { uid: 65534, gid: 65534, groups: [] }, endpoints: { explicit: true, chosen: probe, probes: [probe] }, containerd: undefined, cri: undefined, sandbox: undefined, daemon: undefined, processes: [hidden] });
    const x = only(f, 'socket-permission-denied');
    assert.match(x.title, /its directory \/tmp\/tcri-1 \(drwx------\) cannot be entered/);
    assert.match(x.explanation, /The blocker is the directory \/tmp\/tcri-1, not the socket/);
    assert.equal(x.fix[0], '$ sudo tcrictl diagnose');
    assert.match(x.fix[1], /chmod o\+x \/tmp\/tcri-1/);
    assert.ok(!x.fix.some((s) => /set \[grpc\] gid/.test(s)), x.fix.join('\n'));
    assert.match(text(x), /containerd pid 9 is running; which socket it serves is unknown \(cannot read \/tmp\/tcri-1\/config\.toml: permission denied\)/);
  });

  it('no answer from a stopped daemon: names the process state and the fix', () => {
    const f = healthyFacts();
    const probe = okProbe(SOCKET, { outcome: 'no-answer', detail: 'accepted the connection but did not answer in time', criVersion: undefined, listeners: [{ pid: 42, name: '/usr/bin/containerd', state: 'T' }] });
    Object.assign(f, { endpoints: { explicit: true, chosen: probe, probes: [probe] }, containerd: undefined, cri: undefined, sandbox: undefined });
    const x = only(f, 'socket-no-answer');
    assert.match(text(x), /state T \(stopped, e.g. by SIGSTOP\)/);
    assert.ok(x.fix.includes('$ sudo kill -CONT 42'));
  });

  it("no answer on containerd's ttrpc socket: points at the gRPC socket", () => {
    const f = healthyFacts();
    const probe = okProbe(`${SOCKET}.ttrpc`, { outcome: 'no-answer', detail: 'x', criVersion: undefined, listeners: [] });
    Object.assign(f, { endpoints: { explicit: true, chosen: probe, probes: [probe] }, containerd: undefined, cri: undefined, sandbox: undefined, kubelet: { ...f.kubelet, endpoint: undefined } });
    const x = only(f, 'socket-no-answer');
    assert.match(x.explanation, /ttrpc socket/);
    assert.match(x.fix[0], /-r unix:\/\/\/run\/containerd\/containerd\.sock /);
  });

  it("crictl.yaml pointing at a dead socket while the runtime answers elsewhere (F05)", () => {
    const f = healthyFacts();
    const dead = okProbe('/run/old.sock', { outcome: 'missing', kind: 'crictl', detail: 'no such socket' });
    f.endpoints = { explicit: false, chosen: f.endpoints.chosen, probes: [dead, f.endpoints.chosen!] };
    const x = only(f, 'crictl-endpoint-wrong');
    assert.match(x.fix[0], /crictl config --set runtime-endpoint=unix:\/\/\/run\/containerd\/containerd\.sock/);
  });
});

describe('diagnose rules: the config file (F07, F08, F11–F17)', () => {
  it('TOML syntax error with the daemon down: the syntax error is the root, the missing socket its consequence', () => {
    const f = withConfig(daemonDown(healthyFacts()), 'version = 2\n[plugins."io.containerd.grpc.v1.cri"\n  sandbox_image = "x"\n');
    const found = problems(f);
    assert.deepEqual(found.map((x) => [x.id, x.consequenceOf ?? null]), [['runtime-config-syntax', null], ['socket-missing', 'runtime-config-syntax']]);
    assert.match(found[0].title, /config\.toml:2:\d+: TOML syntax error/);
    assert.match(found[0].explanation, /exits at once on a syntax error/);
  });

  it('short plugin name in a version 2 config (F08)', () => {
    const x = problems(withConfig(daemonDown(healthyFacts()), `version = 2\ndisabled_plugins = ["cri"]\n`)).find((y) => y.id === 'runtime-config-plugin-uri')!;
    assert.ok(x);
    assert.match(x.explanation, /invalid disabled plugin URI "cri" expect io\.containerd\.x\.vx/);
  });

  it('static CRI validation finds each plugin-breaking setting (daemon down)', () => {
    const cases: [string, string][] = [
      [`version = 2\n[${CRI}]\n  systemd_cgroup = true\n`, 'systemd-cgroup'],
      [`version = 2\n[${CRI}.containerd]\n  default_runtime_name = "crun"\n`, 'default-runtime'],
      [`version = 2\n[${CRI}.registry]\n  config_path = "/etc/containerd/certs.d"\n[${CRI}.registry.mirrors."docker.io"]\n  endpoint = ["https://m"]\n`, 'mirrors'],
      [`version = 2\ndisabled_plugins = ["io.containerd.snapshotter.v1.zfs"]\n[${CRI}.containerd]\n  snapshotter = "zfs"\n`, 'snapshotter'],
      [`version = 2\n[${CRI}.containerd]\n  snapshotter = "zfz"\n`, 'snapshotter'],
      [`version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n`, 'disabled'],
    ];
    for (const [toml, kind] of cases) {
      const probs = validateCriConfig(runtimeConfigOf(toml));
      assert.deepEqual(probs.map((p) => p.kind), [kind], toml);
      assert.ok(probs[0].refs.some((r) => r.line), `a line for ${kind}`);
    }
    assert.deepEqual(validateCriConfig(runtimeConfigOf(CONFIG_TOML)), []);
  });

  it('reports the static CRI problem next to the socket when containerd is down', () => {
    const f = withConfig(daemonDown(healthyFacts()), `version = 2\n[${CRI}.containerd]\n  default_runtime_name = "crun"\n`);
    const ids = problems(f).map((x) => x.id);
    assert.deepEqual(ids, ['socket-missing', 'cri-plugin-will-fail']);
  });

  it('a CRI-breaking edit to the file of a running, healthy containerd: fails at the next restart', () => {
    const f = withConfig(healthyFacts(), `version = 2\n[${CRI}.containerd]\n  default_runtime_name = "crun"\n`);
    const x = problems(f).find((y) => y.id === 'cri-plugin-will-fail')!;
    assert.ok(x);
    assert.match(x.explanation, /at the next restart it will not load/);
  });

  it('version 3 config on containerd 1.6.20: silently ignored (F16), and the cgroup mismatch is its consequence', () => {
    const toml = `version = 3\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n`;
    const f = withConfig(healthyFacts(), toml);
    f.fileSettings = settingsFromFile(f.runtimeConfig!, '1.6.20~ds1', (p) => p);
    f.kubelet.cgroupDriver = { value: 'systemd', ref: { file: '/var/lib/kubelet/config.yaml', line: 3, text: 'cgroupDriver: systemd' }, defaulted: false };
    const found = problems(f);
    const root = found[0];
    assert.equal(root.id, 'runtime-config-version-unsupported');
    assert.match(root.explanation, /ignores every io\.containerd\.cri\.v1\.\* table without a word/);
    const mismatch = found.find((x) => x.id === 'cgroup-driver-mismatch')!;
    assert.equal(mismatch.consequenceOf, 'runtime-config-version-unsupported');
    assert.ok(found.indexOf(mismatch) > found.indexOf(root));
  });

  it('version 3 config on containerd 1.6.32 is refused at start-up', () => {
    const f = withConfig(healthyFacts(), 'version = 3\n');
    f.containerd!.version = { version: '1.6.32', revision: '' };
    const x = problems(f).find((y) => y.id === 'runtime-config-version-unsupported')!;
    assert.match(x.explanation, /refuses this file/);
  });

  it('version 2 config with removed keys on containerd 2.x (F17)', () => {
    const f = withConfig(healthyFacts(), `version = 2\n[${CRI}]\n  systemd_cgroup = true\n`);
    f.containerd!.version = { version: '2.0.4', revision: '' };
    const x = problems(f).find((y) => y.id === 'runtime-config-needs-migration')!;
    assert.equal(x.severity, 'warning');
    assert.match(text(x), /config\.toml:3: systemd_cgroup = true — removed in 2\.0/);
  });

  it('keys containerd ignores: SystemdCgroup outside options, sandbox_image in the wrong table, a misspelled option', () => {
    const toml = `version = 2
[${CRI}]
  sandboxImage = "x"
[${CRI}.containerd]
  sandbox_image = "y"
[${CRI}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
  SystemdCgroup = true
[${CRI}.containerd.runtimes.runc.options]
  systemd_cgroup = true
`;
    const u = unknownKeys(runtimeConfigOf(toml));
    const byKey = Object.fromEntries(u.map((x) => [x.parts.join('.'), x.hint]));
    assert.match(byKey['plugins.io.containerd.grpc.v1.cri.containerd.runtimes.runc.SystemdCgroup']!, /belongs in .*runtimes\.runc\.options\]/);
    assert.match(byKey['plugins.io.containerd.grpc.v1.cri.containerd.sandbox_image']!, /belongs in \[plugins\."io\.containerd\.grpc\.v1\.cri"\]/);
    assert.match(byKey['plugins.io.containerd.grpc.v1.cri.sandboxImage']!, /did you mean sandbox_image/);
    assert.match(byKey['plugins.io.containerd.grpc.v1.cri.containerd.runtimes.runc.options.systemd_cgroup']!, /did you mean SystemdCgroup/);
    assert.equal(u.length, 4);
    assert.deepEqual(unknownKeys(runtimeConfigOf(CONFIG_TOML)), []);
  });

  it('SystemdCgroup in the wrong table: the cgroup mismatch is its consequence', () => {
    const toml = CONFIG_TOML.replace('runtime_type = "io.containerd.runc.v2"', 'runtime_type = "io.containerd.runc.v2"\n        SystemdCgroup = true').replace('          SystemdCgroup = false\n', '');
    const f = withConfig(healthyFacts(), toml);
    f.kubelet.cgroupDriver = { value: 'systemd', ref: { file: '/var/lib/kubelet/config.yaml', line: 3, text: 'cgroupDriver: systemd' }, defaulted: false };
    const found = problems(f);
    assert.deepEqual(found.map((x) => [x.id, x.consequenceOf ?? null]), [['runtime-config-unknown-key', null], ['cgroup-driver-mismatch', 'runtime-config-unknown-key']]);
    assert.match(found[0].title, /SystemdCgroup in .*runtimes\.runc\] is not a containerd setting/);
    assert.match(renderText(buildReport(f, found, 1)), /↳ consequence of runtime-config-unknown-key: ERROR  cgroup-driver-mismatch/);
  });

  it('the file says SystemdCgroup = true but containerd runs with false: not applied (restart needed)', () => {
    const f = withConfig(healthyFacts(), CONFIG_TOML.replace('SystemdCgroup = false', 'SystemdCgroup = true'));
    f.runtimeConfig!.mtimeMs = 5_000; // edited after the daemon started (2_000)
    const found = problems(f);
    const x = found.find((y) => y.id === 'runtime-config-not-applied')!;
    assert.match(text(x), /SystemdCgroup = true — but containerd runs runtime "runc" with the cgroupfs cgroup driver/);
    assert.match(x.explanation, /changed after containerd started/);
    assert.deepEqual(found.map((y) => y.id), ['runtime-config-not-applied']);
  });
});

describe('diagnose rules: containerd plugins (F07, F09–F14, F33)', () => {
  function criFailed(message: string, toml = CONFIG_TOML): Facts {
    const f = withConfig(healthyFacts(), toml);
    f.containerd!.plugins = f.containerd!.plugins!.map((p) => (p.id === 'cri' ? { ...p, initErr: { code: 2, message } } : p));
    const probe = okProbe(SOCKET, { outcome: 'not-cri', detail: 'answers, but does not serve CRI v1 (runtime.v1.RuntimeService): unknown service runtime.v1.RuntimeService', rpcDetails: 'unknown service runtime.v1.RuntimeService', criVersion: undefined });
    return { ...f, endpoints: { explicit: true, chosen: probe, probes: [probe] }, cri: undefined, sandbox: undefined, imagefs: undefined, settings: f.fileSettings };
  }

  it('invalid snapshotter: quotes init_err, the config line and the loaded snapshotters', () => {
    const toml = CONFIG_TOML.replace('snapshotter = "overlayfs"', 'snapshotter = "zfs"');
    const x = only(criFailed('failed to create CRI service: failed to find snapshotter "zfs"', toml), 'cri-plugin-failed');
    assert.match(x.title, /snapshotter "zfs" is not available/);
    assert.match(text(x), /init_err \(code 2\): failed to create CRI service: failed to find snapshotter "zfs"/);
    assert.match(text(x), /config\.toml:11: snapshotter = "zfs"/);
    assert.match(text(x), /Snapshotters that loaded: overlayfs, native/);
    assert.match(x.fix[0], /snapshotter = "overlayfs"/);
    assert.deepEqual(x.catalogue, ['F10', 'F11']);
  });

  it('misplaced systemd_cgroup and undefined default runtime name the setting to change', () => {
    let x = only(criFailed('invalid plugin config: `systemd_cgroup` only works for runtime io.containerd.runtime.v1.linux'), 'cri-plugin-failed');
    assert.match(x.title, /systemd_cgroup/);
    assert.match(x.fix.join('\n'), /SystemdCgroup = true under/);
    x = only(criFailed('invalid plugin config: no corresponding runtime configured in `containerd.runtimes` for `containerd` `default_runtime_name = "crun"`'), 'cri-plugin-failed');
    assert.match(x.title, /default_runtime_name "crun" names a runtime that is not defined/);
    assert.match(text(x), /Runtimes defined in the file: runc/);
  });

  it('mirrors with config_path (F13) and an unknown error quoted as is', () => {
    const toml = `${CONFIG_TOML}    [${CRI}.registry]\n      config_path = "/etc/containerd/certs.d"\n    [${CRI}.registry.mirrors."docker.io"]\n      endpoint = ["https://mirror.example"]\n`;
    let x = only(criFailed('invalid plugin config: `mirrors` cannot be set when `config_path` is provided', toml), 'cri-plugin-failed');
    assert.match(x.title, /registry `mirrors` is combined with `config_path`/);
    assert.match(text(x), /config\.toml:21: config_path = /);
    assert.match(text(x), /config\.toml:22: \[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.mirrors\."docker\.io"\]/);
    x = only(criFailed('something new went wrong'), 'cri-plugin-failed');
    assert.match(x.title, /something new went wrong/);
  });

  it('CRI plugin disabled (F07): absent from the plugin list, with the disabled_plugins line', () => {
    const f = criFailed('x', `version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n`);
    f.containerd!.plugins = f.containerd!.plugins!.filter((p) => p.id !== 'cri');
    const x = only(f, 'cri-plugin-disabled');
    assert.match(text(x), /config\.toml:2: disabled_plugins/);
    assert.match(x.explanation, /unknown service runtime\.v1\.RuntimeService/);
  });

  it('containerd 2.x: the failing dependency names the cause', () => {
    const f = criFailed('x');
    f.containerd!.version = { version: '2.0.0', revision: '' };
    f.containerd!.plugins = [
      { type: 'io.containerd.cri.v1', id: 'images', exports: {}, initErr: { code: 2, message: 'failed to find snapshotter "zfs"' } },
      { type: 'io.containerd.grpc.v1', id: 'cri', exports: {}, initErr: { code: 2, message: 'unable to load CRI image service plugin dependency: failed to find snapshotter "zfs"' } },
    ];
    const x = only(f, 'cri-plugin-failed');
    assert.match(x.title, /snapshotter "zfs"/);
  });

  it('CRI plugin loaded but runtime.v1 not served: containerd too old (F09)', () => {
    const f = criFailed('x');
    f.containerd!.plugins = f.containerd!.plugins!.map((p) => ({ ...p, initErr: undefined }));
    f.containerd!.version = { version: '1.5.9', revision: '' };
    const x = only(f, 'cri-api-unsupported');
    assert.match(x.explanation, /before 1\.6 serves only the old runtime\.v1alpha2/);
  });

  it('deprecations reported by the daemon (F33)', () => {
    const f = healthyFacts();
    f.containerd!.deprecations = [{ id: 'io.containerd.deprecation/cri-registry-mirrors', message: 'The `mirrors` property is deprecated' }];
    const x = only(f, 'runtime-deprecations');
    assert.match(text(x), /cri-registry-mirrors/);
  });
});

describe('diagnose rules: CRI answers (F24, F32)', () => {
  it('a hanging list call is an error; a slow one a warning', () => {
    const f = healthyFacts();
    f.cri!.timings = [{ method: 'Status', ms: 3 }, { method: 'ListContainers', ms: 2000, error: { code: 4, codeName: 'DEADLINE_EXCEEDED', details: 'Deadline exceeded' } }];
    assert.match(only(f, 'cri-call-timeout').title, /ListContainers did not answer within 2s/);
    f.cri!.timings = [{ method: 'ListPodSandbox', ms: 1500 }];
    assert.match(only(f, 'cri-slow').title, /ListPodSandbox took 1500 ms/);
  });

  it('RuntimeReady=false with its reason', () => {
    const f = healthyFacts();
    f.cri!.conditions![0] = { type: 'RuntimeReady', status: false, reason: 'DockerDaemonNotReady', message: 'docker: failed to get docker version' };
    assert.match(only(f, 'runtime-not-ready').title, /DockerDaemonNotReady/);
  });
});

describe('diagnose rules: node cross-checks', () => {
  it('a handler whose shim is missing (F28); runc missing behind BinaryName (F27)', () => {
    const f = healthyFacts();
    f.handlers!.push({ name: 'kata', isDefault: false, runtimeType: 'io.containerd.kata.v2', shim: { name: 'containerd-shim-kata-v2', searched: ['/usr/sbin', '/usr/bin'] } });
    let x = only(f, 'runtime-shim-missing');
    assert.equal(x.subject, 'kata');
    assert.match(x.explanation, /every pod whose RuntimeClass handler is "kata" fails to start/);
    f.handlers!.pop();
    f.handlers![0].ociRuntime = { name: '/nonexistent/runc', searched: ['/nonexistent/runc'], fromBinaryName: true };
    x = only(f, 'runtime-binary-missing');
    assert.match(x.explanation, /every pod \(this is the default runtime\) fails/);
  });

  it('no CNI config (F24): NetworkReady=false and an empty conf dir', () => {
    const f = healthyFacts();
    f.cri!.conditions![1] = { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'Network plugin returns error: cni plugin not initialized' };
    f.cri!.lastCNILoadStatus = 'cni config load failed: no network config found in /etc/cni/net.d: cni plugin not initialized: failed to load cni config';
    Object.assign(f.cni!, { confDirState: 'empty', files: [], networks: [] });
    const x = only(f, 'cni-config-missing');
    assert.match(text(x), /no network config found in \/etc\/cni\/net\.d/);
  });

  it("no config file but the daemon answered: CNI evidence says containerd's built-in default, not a missing file", () => {
    const f = healthyFacts();
    const rc = { how: 'process' as const, state: { path: '/etc/containerd/config.toml', status: 'missing' as const }, keyLines: {}, imports: [] };
    const file = settingsFromFile(rc, '1.6.20~ds1', (p) => p);
    assert.equal(file.sourceLabel, "containerd's built-in defaults (no config file)");
    assert.equal(file.cniConfDir?.ref.file, undefined);
    f.runtimeConfig = rc;
    f.fileSettings = file;
    f.cri!.config = undefined;
    f.settings = file;
    Object.assign(f.cni!, { confDirState: 'missing', files: [], networks: [], source: file.sourceLabel, confDirRef: undefined });
    const x = only(f, 'cni-config-missing');
    assert.ok(x.evidence.includes("CNI conf_dir from containerd's built-in defaults (no config file)"), x.evidence.join('\n'));
    assert.doesNotMatch(x.evidence.join('\n'), /config\.toml/);
  });

  it('CNI plugin binary missing (F25) although NetworkReady is true; suggests a dir that has it', () => {
    const f = healthyFacts();
    f.cni!.missing = [{ type: 'bridge', networks: ['k8s'] }];
    f.cni!.alternatives = ['/opt/cni/bin'];
    const x = only(f, 'cni-plugin-missing');
    assert.match(x.explanation, /failed to find plugin "bridge" in path \[\/usr\/lib\/cni\]/);
    assert.match(text(x), /NetworkReady=true — the runtime only checks that a config loaded/);
    assert.match(x.fix[0], /\/opt\/cni\/bin/);
  });

  it('sandbox image missing: error when its registry is unreachable, warning when reachable (F22)', () => {
    const f = healthyFacts();
    f.sandbox = { ref: { value: '127.0.0.1:1/pause:3.9', ref: { what: 'x' } }, present: false, localPauseImages: ['registry.k8s.io/pause:3.6'], pull: { host: '127.0.0.1:1', attempts: [{ url: 'http://127.0.0.1:1', result: 'refused', detail: '127.0.0.1:1: connection refused' }] } };
    let x = only(f, 'sandbox-image-missing');
    assert.equal(x.severity, 'error');
    assert.match(text(x), /would pull from http:\/\/127\.0\.0\.1:1: 127\.0\.0\.1:1: connection refused/);
    assert.match(x.fix.join('\n'), /sandbox_image = "registry\.k8s\.io\/pause:3\.6"/);
    f.sandbox.pull!.attempts[0].result = 'reachable';
    x = only(f, 'sandbox-image-missing');
    assert.equal(x.severity, 'warning');
  });

  it('unpinned sandbox image on containerd 1.6.20 is a note (F23)', () => {
    const f = healthyFacts();
    f.sandbox!.pinned = false;
    const all = evaluate(f);
    assert.deepEqual(all.map((x) => [x.id, x.severity]), [['sandbox-image-unpinned', 'info']]);
  });

  it('image filesystem above the eviction threshold is an error, above the GC threshold a warning (F30)', () => {
    const f = healthyFacts();
    f.imagefs![0].availBytes = 10e9;
    assert.equal(only(f, 'imagefs-usage-high').severity, 'error');
    f.imagefs![0].availBytes = 12e9;
    f.kubelet.evictionHard = { 'imagefs.available': { value: '5%', ref: { file: '/var/lib/kubelet/config.yaml', line: 7 } } };
    assert.equal(only(f, 'imagefs-usage-high').severity, 'warning');
  });

  it('overlayfs on an overlay filesystem (F29)', () => {
    const f = healthyFacts();
    f.imagefs![0].fsType = 'overlay';
    assert.match(only(f, 'snapshotter-unsupported-fs').explanation, /failed to mount rootfs component/);
  });

  it('crash-looping and OOM-killed containers', () => {
    const f = healthyFacts();
    f.containers = [
      { id: 'a'.repeat(64), name: 'app', pod: 'web', namespace: 'default', attempt: 5, state: 'CONTAINER_EXITED', exitCode: 1, reason: 'Error' },
      { id: 'b'.repeat(64), name: 'db', pod: 'db', namespace: 'default', attempt: 1, state: 'CONTAINER_EXITED', exitCode: 137, reason: 'OOMKilled' },
      { id: 'c'.repeat(64), name: 'job', pod: 'job', namespace: 'default', attempt: 4, state: 'CONTAINER_EXITED', exitCode: 0, reason: 'Completed' },
    ];
    assert.deepEqual(problems(f).map((x) => x.id), ['container-oom-killed', 'container-crash-looping']);
  });

  it('hosts.toml that does not parse is silently ignored by containerd (F31)', () => {
    const f = healthyFacts();
    f.hostsToml = { dir: '/etc/containerd/certs.d', files: [{ host: 'docker.io', path: '/etc/containerd/certs.d/docker.io/hosts.toml', error: 'unexpected', line: 2, column: 2, problems: [] }] };
    assert.match(only(f, 'registry-hosts-invalid').title, /hosts\.toml:2: hosts\.toml does not parse/);
  });
});

describe('diagnose rules: kubelet vs runtime (F04, F18, F19, F21)', () => {
  it('kubelet configured for a socket that does not exist while the runtime is up', () => {
    const f = healthyFacts();
    const kubeletProbe = okProbe('/run/dockershim.sock', { outcome: 'missing', detail: 'no such socket', kind: 'kubelet', source: 'kubelet' });
    f.kubelet.endpoint = { raw: 'unix:///run/dockershim.sock', endpoint: 'unix:///run/dockershim.sock', ref: { file: '/var/lib/kubelet/kubeadm-flags.env', line: 1, text: '--container-runtime-endpoint=unix:///run/dockershim.sock' } };
    f.endpoints.probes.push(kubeletProbe);
    const x = only(f, 'kubelet-endpoint-mismatch');
    assert.match(x.title, /configured for \/run\/dockershim\.sock, which does not exist; the runtime answers at \/run\/containerd\/containerd\.sock/);
    assert.match(x.explanation, /dockershim was removed/);
    assert.match(x.fix[0], /--container-runtime-endpoint=unix:\/\/\/run\/containerd\/containerd\.sock in \/var\/lib\/kubelet\/kubeadm-flags\.env/);
  });

  it('kubelet systemd vs runtime cgroupfs (F19), and the reverse (F18)', () => {
    const f = healthyFacts();
    f.kubelet.cgroupDriver = { value: 'systemd', ref: { file: '/var/lib/kubelet/config.yaml', line: 3, text: 'cgroupDriver: systemd' }, defaulted: false };
    let x = only(f, 'cgroup-driver-mismatch');
    assert.match(x.title, /the kubelet uses systemd, the runtime \(handler "runc"\) uses cgroupfs/);
    assert.match(x.explanation, /two managers own the cgroup tree/);
    assert.match(x.fix.join('\n'), /SystemdCgroup = true under \[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runc\.options\]/);
    const g = withConfig(healthyFacts(), CONFIG_TOML.replace('SystemdCgroup = false', 'SystemdCgroup = true'));
    g.settings = settingsFromStatus(statusConfig({ systemdCgroup: true }));
    x = only(g, 'cgroup-driver-mismatch');
    assert.match(x.explanation, /expected cgroupsPath to be of format "slice:prefix:name"/);
    assert.deepEqual(x.catalogue, ['F18', 'F20']);
  });

  it('a runtime that reports its cgroup driver over RuntimeConfig (containerd 2.x, CRI-O)', () => {
    const f = healthyFacts();
    f.cri!.cgroupDriver = 'SYSTEMD';
    assert.match(only(f, 'cgroup-driver-mismatch').evidence[1], /CRI RuntimeConfig/);
  });

  it('cgroup v1 host with a kubelet: a note, an error when failCgroupV1 is set (F21)', () => {
    const f = healthyFacts();
    f.host.cgroupV2 = false;
    assert.deepEqual(evaluate(f).map((x) => [x.id, x.severity]), [['host-cgroup-v1', 'info']]);
    f.kubelet.failCgroupV1 = { value: true, ref: { file: '/var/lib/kubelet/config.yaml', line: 9 } };
    assert.equal(only(f, 'host-cgroup-v1').severity, 'error');
  });
});

describe('diagnose rules: several faults at once', () => {
  it('finds each, root cause first', () => {
    const toml = CONFIG_TOML.replace('snapshotter = "overlayfs"', 'snapshotter = "zfs"');
    const f = withConfig(healthyFacts(), toml);
    f.containerd!.plugins = f.containerd!.plugins!.map((p) => (p.id === 'cri' ? { ...p, initErr: { code: 2, message: 'failed to create CRI service: failed to find snapshotter "zfs"' } } : p));
    const probe = okProbe(SOCKET, { outcome: 'not-cri', detail: 'x', criVersion: undefined });
    Object.assign(f, { endpoints: { explicit: true, chosen: probe, probes: [probe] }, cri: undefined, sandbox: undefined, imagefs: undefined, settings: f.fileSettings });
    f.kubelet.cgroupDriver = { value: 'systemd', ref: { file: '/var/lib/kubelet/config.yaml', line: 3, text: 'cgroupDriver: systemd' }, defaulted: false };
    f.cni!.missing = [{ type: 'loopback', networks: ['cni-loopback'] }];
    const ids = problems(f).map((x) => x.id);
    assert.deepEqual(ids, ['cri-plugin-failed', 'cgroup-driver-mismatch', 'cni-plugin-missing']);
    const report = buildReport(f, evaluate(f), 5);
    const out = renderText(report);
    assert.ok(out.indexOf('cri-plugin-failed') < out.indexOf('cgroup-driver-mismatch'));
    assert.match(out, /Found 3 errors:/);
  });
});

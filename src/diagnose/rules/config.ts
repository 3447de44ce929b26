/**
 * Rules on containerd's config file itself: syntax (F15), plugin names (F08),
 * schema version vs daemon version (F16, F17). Keys containerd silently
 * ignores are config-keys.ts, CRI settings that make the plugin fail
 * config-cri.ts, a file that differs from what the daemon runs with
 * config-applied.ts.
 */
import type { Facts, Ref } from '../facts';
import type { Finding } from '../finding';
import { criTablePaths, refOf } from '../runtime-config';
import { formatRef } from '../text';
import { getPath, isTable, keyPath } from '../toml';
import { containerdVersion, daemonAnswered, daemonStatusLine, quote, restartContainerd, versionAtLeast, versionTuple } from './common';

/** True when the running daemon started after the file's last change, i.e. it accepted this very file. */
function daemonLoadedThisFile(f: Facts): boolean {
  const d = f.daemon;
  const rc = f.runtimeConfig;
  if (!d?.startedAtMs || !rc?.mtimeMs || !daemonAnswered(f)) return false;
  return d.configPath === rc.state.path && d.startedAtMs > rc.mtimeMs;
}

export function syntaxRules(f: Facts): Finding[] {
  const rc = f.runtimeConfig;
  if (!rc) return [];
  const bad = [rc.state, ...rc.imports].filter((s) => s.status === 'invalid');
  const out: Finding[] = bad.map((st) => {
    const where = `${st.path}${st.line ? `:${st.line}${st.column ? `:${st.column}` : ''}` : ''}`;
    const accepted = daemonLoadedThisFile(f);
    const evidence = [`${where}: ${st.error}`];
    if (st.excerpt !== undefined) {
      evidence.push(`line ${st.line}: ${st.excerpt.trim()}`);
      const t = st.excerpt.trim();
      if (t.startsWith('[') && !t.includes(']')) evidence.push('this table header is not closed: it needs a ] (or ]] for an array of tables)');
    }
    if (st.path !== rc.state.path) evidence.push(`imported by ${rc.state.path} (imports = …)`);
    evidence.push(daemonStatusLine(f));
    return {
      id: 'runtime-config-syntax',
      severity: accepted ? 'warning' : 'error',
      stage: 'runtime-config',
      title: `${where}: TOML syntax error in containerd's config${accepted ? ' (but the running containerd accepted this file)' : ''}`,
      subject: st.path,
      evidence,
      explanation: accepted
        ? "tcrictl's TOML 1.0 parser rejects this file, yet the running containerd loaded it after its last change; containerd 1.x's parser is more lenient. It is still worth fixing: other tools and containerd 2.x parse strictly."
        : `containerd reads its whole config at start-up and exits at once on a syntax error ("containerd: failed to load TOML: ${st.path}: …"), before it creates its socket. A containerd that is still running keeps its old settings, so the error strikes at the next restart or reboot; then the kubelet finds no socket and the node goes NotReady.`,
      fix: [`Fix the syntax at ${where}`, `Check the file before restarting: $ containerd --config ${rc.state.path} config dump > /dev/null`, restartContainerd(f)],
      catalogue: ['F15'],
    };
  });
  for (const imp of rc.imports.filter((s) => s.status === 'missing')) {
    out.push({
      id: 'runtime-config-import-missing',
      severity: 'error',
      stage: 'runtime-config',
      title: `${rc.state.path} imports ${imp.path}, which does not exist`,
      subject: imp.path,
      evidence: [formatRef(rc.keyLines[keyPath(['imports'])]) || `${rc.state.path}: imports`, `stat ${imp.path}: no such file or directory`, daemonStatusLine(f)],
      explanation: 'containerd loads every file named in `imports` at start-up and exits when one cannot be read (glob patterns that match nothing are fine).',
      fix: [`Create ${imp.path} or remove it from imports`, restartContainerd(f)],
      catalogue: ['F15'],
    });
  }
  return out;
}

// ---------------------------------------------------------------- F08

export function pluginUriRules(f: Facts): Finding[] {
  const rc = f.runtimeConfig;
  const data = rc?.data;
  if (!rc || !data || (rc.version ?? 1) < 2) return [];
  const bad: { name: string; where: string; ref: Ref }[] = [];
  for (const key of ['disabled_plugins', 'required_plugins']) {
    const list = data[key];
    if (!Array.isArray(list)) continue;
    for (const name of list) if (typeof name === 'string' && name.split('.').length < 4) bad.push({ name, where: key, ref: refOf(rc, [key]) });
  }
  if (isTable(data.plugins)) {
    for (const name of Object.keys(data.plugins)) if (name.split('.').length < 4) bad.push({ name, where: '[plugins]', ref: refOf(rc, ['plugins', name]) });
  }
  return bad.map((b) => ({
    id: 'runtime-config-plugin-uri',
    severity: 'error',
    stage: 'runtime-config',
    title: `${b.where} names plugin ${quote(b.name)}; a version ${rc.version} config needs full plugin URIs`,
    subject: b.name,
    evidence: [formatRef(b.ref), `${rc.state.path}: version = ${rc.version}`, daemonStatusLine(f)],
    explanation: `From config version 2 on, containerd requires plugin names like io.containerd.grpc.v1.cri; with a short name it exits at start-up: "invalid ${b.where === '[plugins]' ? 'plugin key' : b.where.replace('_plugins', '')} plugin URI ${quote(b.name)} expect io.containerd.x.vx". This is typical of Docker's containerd.io config (version 1, disabled_plugins = ["cri"]) edited to version 2.`,
    fix: [b.name === 'cri' ? `Use "io.containerd.grpc.v1.cri" — or, if CRI should run (Kubernetes needs it), remove it from ${b.where}` : `Use the full plugin URI (see: containerd config default)`, restartContainerd(f)],
    catalogue: ['F08'],
  }));
}

// ---------------------------------------------------------------- F16, F17

const REMOVED_IN_2: { parts: (v: number) => string[][]; what: string }[] = [
  { parts: (v) => [[...criTablePaths(v).cri, 'systemd_cgroup']], what: 'systemd_cgroup (use runtimes.runc.options.SystemdCgroup)' },
  { parts: (v) => [[...criTablePaths(v).cri, 'containerd', 'untrusted_workload_runtime']], what: 'untrusted_workload_runtime' },
  { parts: (v) => [[...criTablePaths(v).cri, 'containerd', 'default_runtime']], what: 'default_runtime (use default_runtime_name)' },
];

export function versionRules(f: Facts): Finding[] {
  const rc = f.runtimeConfig;
  if (!rc?.data) return [];
  const fileVersion = rc.version ?? 1;
  const daemonVersion = containerdVersion(f);
  const v = versionTuple(daemonVersion);
  const out: Finding[] = [];
  const versionRef = formatRef(rc.keyLines[keyPath(['version'])]) || `${rc.state.path}: no version line (version 1)`;
  if (fileVersion >= 3 && v && v[0] < 2) {
    const rejects = (v[1] === 6 && versionAtLeast(v, [1, 6, 32])) || (v[1] >= 7 && versionAtLeast(v, [1, 7, 17]));
    out.push({
      id: 'runtime-config-version-unsupported',
      severity: 'error',
      stage: 'runtime-config',
      title: `Config version ${fileVersion} is for containerd 2.x, but containerd is ${daemonVersion}`,
      evidence: [versionRef, `containerd version ${daemonVersion}${f.containerd?.version ? ' (Version API)' : ' (containerd --version)'}`],
      explanation: rejects
        ? `containerd ${daemonVersion} refuses this file ("unsupported config version \`${fileVersion}\`") and does not start.`
        : `containerd ${daemonVersion} does not know config version ${fileVersion} and ignores every io.containerd.cri.v1.* table without a word: SystemdCgroup, the sandbox image, CNI dirs and the snapshotter silently fall back to defaults.`,
      fix: ['Write a version 2 config for containerd 1.x ($ containerd config default > config.toml, then re-apply your settings under plugins."io.containerd.grpc.v1.cri"), or upgrade containerd to 2.x', restartContainerd(f)],
      catalogue: ['F16'],
    });
  } else if (fileVersion > 3) {
    out.push({
      id: 'runtime-config-version-unsupported',
      severity: 'error',
      stage: 'runtime-config',
      title: `Config version ${fileVersion} is not known to any containerd release`,
      evidence: [versionRef],
      explanation: 'containerd rejects config versions above the newest it knows and does not start.',
      fix: ['Set version = 2 (containerd 1.x) or 3 (containerd 2.x)', restartContainerd(f)],
      catalogue: ['F16'],
    });
  }
  if (v && v[0] >= 2 && fileVersion <= 2) {
    const removed = REMOVED_IN_2.flatMap((r) => r.parts(fileVersion).filter((p) => getPath(rc.data, p) !== undefined).map((p) => ({ p, what: r.what })));
    out.push({
      id: 'runtime-config-needs-migration',
      severity: removed.length ? 'warning' : 'info',
      stage: 'runtime-config',
      title: `Config version ${fileVersion} on containerd ${daemonVersion}: migrated in memory at every start${removed.length ? `; ${removed.length} removed setting(s) are ignored` : ''}`,
      evidence: [versionRef, ...removed.map((r) => `${formatRef(refOf(rc, r.p))} — removed in 2.0: ${r.what}`)],
      explanation: 'containerd 2.x converts older configs at start-up. Settings removed in 2.0 are dropped silently, so what the file says is not what runs.',
      fix: [`$ containerd config migrate > /tmp/config.toml   (review, then replace ${rc.state.path})`, restartContainerd(f)],
      catalogue: ['F17', 'F12'],
    });
  }
  return out;
}

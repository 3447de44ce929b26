/**
 * Images the node needs: the sandbox (pause) image (F22, F23), and the
 * registry hosts.toml files (F31) that decide where images are pulled from.
 */
import type { Facts } from '../facts';
import type { Finding } from '../finding';
import { formatRef } from '../text';
import { configPath, containerdVersion, versionAtLeast, versionTuple } from './common';

export function sandboxRules(f: Facts): Finding[] {
  const s = f.sandbox;
  if (!s) return [];
  const out: Finding[] = [];
  if (s.present === false) {
    const attempts = s.pull?.attempts ?? [];
    const reachable = attempts.some((a) => a.result === 'reachable');
    const where = formatRef(s.ref.ref);
    const evidence = [`ImageStatus(${JSON.stringify(s.ref.value)}): not present in the runtime's image store`, `sandbox image from ${where || 'the runtime'}`];
    if (s.pull) {
      // A broken hosts.toml is its own warning (registry-hosts-invalid): containerd ignores it, so it is not why the pull fails.
      if (s.pull.hostsFile) evidence.push(s.pull.hostsBroken ? `registry config: ${s.pull.hostsFile} does not parse, so containerd ignores it and goes to the registry itself (see registry-hosts-invalid)` : `registry config: ${s.pull.hostsFile}`);
      for (const a of attempts) evidence.push(`the runtime would pull from ${a.url}: ${a.detail}`);
    }
    evidence.push(s.localPauseImages.length ? `pause images that are present: ${s.localPauseImages.join(', ')}` : 'no pause image is present locally');
    out.push({
      id: 'sandbox-image-missing',
      severity: reachable ? 'warning' : 'error',
      stage: 'node',
      title: reachable
        ? `Sandbox image ${s.ref.value} is not present; it will be pulled when the first pod starts`
        : `Sandbox image ${s.ref.value} is not present and its registry cannot be reached`,
      evidence,
      explanation: reachable
        ? 'Every pod needs the pause image. It is not here yet, but its registry answers, so the first RunPodSandbox will pull it (slow first start; breaks if the registry needs credentials).'
        : `Every pod starts with the pause image. It is not present and the registry (${s.pull?.host ?? 'unknown'}) cannot be reached, so every RunPodSandbox fails: "failed to get sandbox image ${JSON.stringify(s.ref.value)}: failed to pull image …". tcrictl did not try to pull it.`,
      fix: [
        `Load it: $ ctr -n k8s.io images import pause.tar   (on a machine with access: ctr images export pause.tar ${s.ref.value})`,
        ...(s.localPauseImages.length ? [`Or use a pause image that is present: set sandbox_image = ${JSON.stringify(s.localPauseImages[0])} in ${configPath(f)} and restart containerd`] : []),
        'Or make the registry reachable (a mirror in <config_path>/<host>/hosts.toml)',
      ],
      catalogue: ['F22'],
    });
  } else if (s.present && s.pinned === false) {
    const v = versionTuple(containerdVersion(f));
    const old = v && v[0] === 1 && ((v[1] === 6 && !versionAtLeast(v, [1, 6, 22])) || (v[1] === 7 && !versionAtLeast(v, [1, 7, 3])) || v[1] < 6);
    if (old) {
      out.push({
        id: 'sandbox-image-unpinned',
        severity: 'info',
        stage: 'node',
        title: `Sandbox image ${s.ref.value} is not pinned against image garbage collection`,
        evidence: [`ImageStatus: pinned=false`, `containerd ${containerdVersion(f)} (pinning arrived in 1.6.22 / 1.7.3)`],
        explanation: 'The kubelet\'s image GC may delete an unpinned pause image under disk pressure; on an air-gapped node new pods then cannot start.',
        fix: ['Upgrade containerd to 1.6.22+/1.7.3+, or keep --pod-infra-container-image equal to the sandbox image so the kubelet protects it'],
        catalogue: ['F23'],
      });
    }
  }
  return out;
}

export function hostsTomlRules(f: Facts): Finding[] {
  const h = f.hostsToml;
  if (!h) return [];
  return h.files
    .filter((x) => x.error || x.problems.length)
    .map((x) => ({
      id: 'registry-hosts-invalid',
      severity: 'warning' as const,
      stage: 'node' as const,
      title: x.error ? `${x.path}${x.line ? `:${x.line}` : ''}: hosts.toml does not parse; containerd silently ignores it` : `${x.path}: ${x.problems[0]}`,
      subject: x.host,
      evidence: x.error ? [`${x.path}${x.line ? `:${x.line}${x.column ? `:${x.column}` : ''}` : ''}: ${x.error}`] : x.problems.map((p) => `${x.path}: ${p}`),
      explanation: `containerd only logs "failed to decode hosts.toml" (or nothing at all) and pulls from the upstream registry instead of your mirror: on an air-gapped node pulls for ${x.host} fail, elsewhere they bypass the mirror.`,
      fix: [x.error ? `Fix the TOML in ${x.path} (no restart needed: containerd reads hosts.toml at each pull)` : `Fix ${x.path} (no restart needed)`],
      catalogue: ['F31'],
    }));
}

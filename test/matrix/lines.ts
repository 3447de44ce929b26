/**
 * The command lines of the argv matrix (argv-matrix.ts). Each line names the
 * runtime it runs against; `volatile` lines compare the exit code, stderr and
 * the first line of stdout only (live numbers: stats, info).
 */
export interface MatrixContext {
  ctd: string;
  fake: string;
  hung: string;
  missing: string;
  running: string;
  exited: string;
  pod: string;
  otherPod: string;
  image: string;
  fakeContainer: string;
}

export interface MatrixLine {
  name: string;
  argv: string[];
  env?: Record<string, string>;
  volatile?: boolean;
}

export function matrixLines(c: MatrixContext): MatrixLine[] {
  const C = ['-r', c.ctd, '-t', '20s'];
  const F = ['-r', c.fake, '-t', '20s'];
  const lines: MatrixLine[] = [];
  const add = (name: string, argv: string[], extra: Partial<MatrixLine> = {}) => lines.push({ name, argv, ...extra });

  // Top level, help, usage errors.
  for (const argv of [[], ['--help'], ['-h'], ['help'], ['help', 'ps'], ['ps', '--help'], ['--version'], ['-v'], ['pss'], ['ps', '--al'], ['ps', '-o'], ['ps', '-o', 'xml'], ['ps', '--state', 'runing'], ['ps', '--last', 'x'], ['logs'], ['inspect'], ['exec'], ['completion'], ['completion', 'fish']]) {
    add('top', argv);
  }
  add('top', ['completion', 'bash']);
  add('top', ['completion', 'zsh']);

  // version / info / imagefsinfo.
  add('version', ['version', ...C]);
  add('version', ['version', ...F]);
  add('version', ['version', '-o', 'json', ...C]);
  add('info', ['info', ...C], { volatile: true });
  add('info', ['info', '-o', 'yaml', ...C], { volatile: true });
  add('imagefsinfo', ['imagefsinfo', ...C], { volatile: true });

  // Lists on containerd.
  for (const o of [[], ['-o', 'json'], ['-o', 'yaml'], ['-o', 'table'], ['-q'], ['-v']]) {
    add('ps', ['ps', ...o, ...C]);
    add('ps', ['ps', '-a', ...o, ...C]);
    add('pods', ['pods', ...o, ...C]);
    add('images', ['images', ...o, ...C]);
  }
  add('ps', ['ps', '-a', '--name', 'app', ...C]);
  add('ps', ['ps', '-a', '--state', 'exited', '-q', ...C]);
  add('ps', ['ps', '-a', '--label', 'io.kubernetes.pod.name=web', ...C]);
  add('ps', ['ps', '-a', '-p', c.pod, ...C]);
  add('ps', ['ps', '-a', '--pod', c.pod.slice(0, 6), ...C]);
  add('ps', ['ps', '-l', ...C]);
  add('ps', ['ps', '--last', '1', '-a', ...C]);
  add('ps', ['ps', '--image', 'busybox', '-a', ...C]);
  add('ps', ['ps', '-a', '--no-trunc', ...C]);
  add('ps', ['ps', '-a', '-o', 'json', '--id', c.running.slice(0, 8), ...C]);
  add('pods', ['pods', '--name', 'web2', ...C]);
  add('pods', ['pods', '--namespace', 'default', '-q', ...C]);
  add('pods', ['pods', '--state', 'ready', ...C]);
  add('pods', ['pods', '--label', 'app=web', '-o', 'json', ...C]);
  add('pods', ['pods', '--no-trunc', ...C]);
  add('images', ['images', '--digests', ...C]);
  add('images', ['images', '--no-trunc', ...C]);
  add('images', ['images', 'busybox', ...C]);

  // Lists on the fake, 2,000 containers.
  for (const o of [[], ['-o', 'json'], ['-o', 'yaml'], ['-q']]) {
    add('fake', ['ps', '-a', ...o, ...F]);
    add('fake', ['pods', ...o, ...F]);
  }
  add('fake', ['images', ...F]);
  add('fake', ['ps', '-a', '--label', 'io.kubernetes.pod.namespace=ns-3', '-q', ...F]);

  // inspect by ID, prefix, name, ambiguous, unknown.
  for (const id of [c.running, c.running.slice(0, 6), c.exited.slice(0, 8), 'app', 'job', 'nosuch']) {
    add('inspect', ['inspect', id, ...C]);
  }
  add('inspect', ['inspect', c.running.slice(0, 6), c.exited.slice(0, 6), ...C]);
  add('inspect', ['inspect', '-o', 'table', c.running.slice(0, 6), ...C]);
  add('inspect', ['inspect', '-o', 'yaml', c.exited.slice(0, 6), ...C]);
  add('inspect', ['inspect', c.fakeContainer.slice(0, 1), ...F]);
  add('inspect', ['inspect', c.fakeContainer.slice(0, 10), ...F]);
  for (const id of [c.pod, c.pod.slice(0, 6), 'web', 'web2', 'nosuch']) add('inspectp', ['inspectp', id, ...C]);
  add('inspectp', ['inspectp', '-o', 'table', c.otherPod.slice(0, 7), ...C]);
  for (const id of ['busybox', c.image, 'nosuch:1']) add('inspecti', ['inspecti', id, ...C]);
  add('inspecti', ['inspecti', '-o', 'yaml', 'busybox', ...C]);

  // logs.
  add('logs', ['logs', c.exited.slice(0, 8), ...C]);
  add('logs', ['logs', '-t', c.exited.slice(0, 8), ...C]);
  add('logs', ['logs', '--tail', '1', c.exited.slice(0, 8), ...C]);
  add('logs', ['logs', '--tail', 'x', c.exited.slice(0, 8), ...C]);
  add('logs', ['logs', 'app', ...C]);
  add('logs', ['logs', 'nosuch', ...C]);
  add('logs', ['logs', '--since', 'bogus', c.exited.slice(0, 8), ...C]);

  // stats (live numbers).
  add('stats', ['stats', ...C], { volatile: true });
  add('stats', ['stats', '-a', '-o', 'json', ...C], { volatile: true });
  add('statsp', ['statsp', ...C], { volatile: true });
  add('stats', ['stats', '--id', 'nosuch', ...C]);

  // exec.
  add('exec', ['exec', '-s', c.running.slice(0, 8), 'echo', 'hi', ...C]);
  add('exec', ['exec', c.running.slice(0, 8), 'sh', '-c', 'echo out; echo err >&2; exit 3', '-r', c.ctd]);
  add('exec', ['exec', c.running.slice(0, 8), 'nosuchcommand', '-r', c.ctd]);
  add('exec', ['exec', 'nosuch', 'true', '-r', c.ctd]);
  add('exec', ['exec', c.exited.slice(0, 8), 'true', '-r', c.ctd]);

  // Flags in odd places, env, config.
  add('flags', [...C, 'ps', '-a']);
  add('flags', ['ps', '-aq', ...C]);
  add('flags', ['ps', '-a', '-o=json', ...C]);
  add('flags', ['-t', '-1', 'version', '-r', c.ctd]);
  add('flags', ['-t', 'bogus', 'version', '-r', c.ctd]);
  add('flags', ['version', '-r', c.ctd], { env: { CONTAINER_RUNTIME_ENDPOINT: 'unix:///nowhere.sock' } });
  add('flags', ['version'], { env: { CONTAINER_RUNTIME_ENDPOINT: c.ctd } });
  add('flags', ['version', '-c', '/nonexistent/crictl.yaml', '-r', c.ctd]);

  // Broken endpoints.
  add('hung', ['version', '-r', c.hung, '-t', '1s']);
  add('hung', ['ps', '-a', '-r', c.hung, '-t', '1s']);
  add('missing', ['version', '-r', c.missing]);
  add('missing', ['ps', '-r', c.missing]);
  add('missing', ['pods', '-r', 'tcp://127.0.0.1:1']);
  add('autodetect', ['version']);
  add('autodetect', ['ps', '-D']);
  return lines;
}

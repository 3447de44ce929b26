/**
 * crictl takes global flags before the command (`crictl -r X ps`); oclif wants
 * the command first. Move leading global flags to just after the command id,
 * so `exec`'s trailing command line is never touched.
 */
const VALUE_FLAGS = new Set(['-r', '--runtime-endpoint', '-i', '--image-endpoint', '-c', '--config', '-t', '--timeout']);
const BOOL_FLAGS = new Set(['-D', '--debug']);

export function reorderGlobalFlags(argv: string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i];
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (BOOL_FLAGS.has(a)) {
      globals.push(a);
      i += 1;
    } else if (VALUE_FLAGS.has(name)) {
      if (a.includes('=')) {
        globals.push(a);
        i += 1;
      } else {
        globals.push(a, argv[i + 1] ?? '');
        i += 2;
      }
    } else if (/^-[rict]./.test(a) && !a.startsWith('--')) {
      globals.push(a); // -rVALUE
      i += 1;
    } else break;
  }
  if (globals.length === 0 || i >= argv.length) return globals.length ? [...argv.slice(i), ...globals] : argv;
  const [command, ...rest] = argv.slice(i);
  if (command.startsWith('-')) return argv; // `--help`, `--version`: leave to oclif
  return [command, ...globals, ...rest];
}

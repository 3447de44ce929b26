/**
 * Pulling, as pull, create --with-pull and run do it: crictl's credential
 * flags (--creds, --auth, -u with the password from the terminal or stdin,
 * CRICTL_CREDS/CRICTL_AUTH), --pull-timeout, a spinner on a terminal. The
 * credentials never reach -D output, error messages or the process title.
 */
import { Flags } from './command';
import { parseDuration } from './duration';
import { CliError, UsageError } from './cli-error';
import { inContext } from './errors';
import type { ImageClient } from '../cri/client';
import { startSpinner } from '../output/spinner';

export const pullFlags = {
  creds: Flags.string({ env: 'CRICTL_CREDS', summary: 'USERNAME[:PASSWORD] for the registry (or CRICTL_CREDS: keeps it out of the process list).' }),
  auth: Flags.string({ env: 'CRICTL_AUTH', summary: "Base64 of 'USERNAME[:PASSWORD]' for the registry (or CRICTL_AUTH)." }),
  username: Flags.string({ char: 'u', summary: 'USERNAME for the registry; the password is asked on the terminal (read from stdin when piped).' }),
  'pull-timeout': Flags.string({ aliases: ['pt'], env: 'CRICTL_PULL_TIMEOUT', summary: 'Longest time the pull may take (e.g. 5m); 0 = no limit [default: 0].' }),
};

export interface PullFlagValues {
  creds?: string;
  auth?: string;
  username?: string;
  'pull-timeout'?: string;
}

export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
}

/** The secrets to scrub from anything printed. */
export function secretsOf(a: AuthConfig | undefined): string[] {
  return [a?.password, a?.auth].filter((s): s is string => !!s && s.length > 0);
}

/** --creds/--auth on the command line would show in `ps`: overwrite the process title. */
export function hideCredentialArgs(): void {
  if (process.argv.some((a) => /^--(creds|auth)(=|$)/.test(a))) process.title = 'tcrictl';
}

/** Reads one line from stdin: the password. On a terminal the typed characters are not echoed. */
async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) process.stderr.write('Enter Password:');
  return new Promise((resolve, reject) => {
    let buf = '';
    const tty = stdin.isTTY;
    if (tty) stdin.setRawMode(true);
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      if (tty) {
        stdin.setRawMode(false);
        process.stderr.write('\n');
      }
      stdin.pause();
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (c: Buffer) => {
      for (const ch of c.toString('utf8')) {
        if (ch === '\n' || ch === '\r') return done();
        if (ch === '\u0003') return done(new CliError('interrupted', { exitCode: 130 }));
        if (ch === '\u007f') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    const onEnd = () => done();
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

/** crictl's getAuth: -u (password asked), else --creds, else --auth. */
export async function registryAuth(f: PullFlagValues): Promise<AuthConfig | undefined> {
  if (f.username) return { username: f.username, password: await readPassword() };
  if (f.creds && f.auth) throw new UsageError('both `--creds` and `--auth` are specified', 'give one of them');
  if (f.creds !== undefined) {
    if (f.creds === '') throw new UsageError("credentials can't be empty");
    const i = f.creds.indexOf(':');
    if (i < 0) return { username: f.creds, password: '' };
    if (i === 0) throw new UsageError("username can't be empty", 'use --creds USERNAME[:PASSWORD]');
    return { username: f.creds.slice(0, i), password: f.creds.slice(i + 1) };
  }
  return f.auth ? { auth: f.auth } : undefined;
}

export function pullTimeoutMs(f: PullFlagValues): number {
  if (f['pull-timeout'] === undefined) return 0;
  const ms = parseDuration(f['pull-timeout'], '--pull-timeout');
  if (ms < 0) throw new UsageError('--pull-timeout: timeout should be bigger than 0');
  return ms;
}

/** `text` with every secret replaced by ***. */
export function scrub(text: string, secrets: string[]): string {
  return secrets.reduce((t, s) => t.split(s).join('***'), text);
}

export interface PullRequest {
  image: string;
  auth?: AuthConfig;
  sandboxConfig?: object;
  annotations?: Record<string, string>;
  timeoutMs: number;
}

/** PullImage with a spinner; resolves with the image ref; errors are scrubbed of the credentials. */
export async function pullImage(img: ImageClient, r: PullRequest): Promise<string> {
  const spinner = startSpinner(`Pulling ${r.image}`);
  try {
    const req = { image: { image: r.image, annotations: r.annotations ?? {} }, auth: r.auth, sandboxConfig: r.sandboxConfig };
    const res = await img.call<{ imageRef: string }>('PullImage', req, { timeoutMs: r.timeoutMs });
    return res.imageRef;
  } catch (err) {
    const e = inContext(err, `pulling image ${r.image}`) as CliError;
    const secrets = secretsOf(r.auth);
    throw new CliError(scrub(e.message, secrets), { exitCode: e.exitCode, hint: pullHint(e.message) ?? (e.hint && scrub(e.hint, secrets)) });
  } finally {
    spinner.stop();
  }
}

/** The next step for the usual pull failures. */
function pullHint(message: string): string | undefined {
  if (/401|unauthorized|authorization failed|no basic auth credentials/i.test(message)) return 'the registry wants credentials: --creds USER[:PASS], -u USER, or CRICTL_CREDS';
  if (/server gave HTTP response to HTTPS client/i.test(message)) return 'the registry speaks plain http: configure it in the runtime (containerd: certs.d/<host>/hosts.toml)';
  if (/not found/i.test(message)) return 'check the image name and tag';
  if (/DeadlineExceeded|did not answer/i.test(message)) return 'raise --pull-timeout (0 = no limit)';
  return undefined;
}

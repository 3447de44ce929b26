/**
 * Long-running commands against fakes, for the signal and closed-stdout
 * tests (and the long-run bench): a runtime whose container logs to a file a
 * writer keeps growing, a runtime that answers ListContainerStats, and a
 * streaming server that runs an exec that never ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { binPath, cliEnv, collectOutput, type CliResult } from '../fake/cli';
import { containerEvents, hexId, type FakeCriOptions } from '../fake/fake-cri';
import { startFakeSpdyServer, type FakeSpdyServer } from '../fake/spdy-server';

/** ContainerStatus of a running container "app" that logs to `logPath`. */
export function loggingTo(logPath: string): FakeCriOptions['overrides'] {
  return {
    ContainerStatus: {
      respond: (req: { containerId: string }) => ({
        status: { id: req.containerId, metadata: { name: 'app', attempt: 0 }, state: 'CONTAINER_RUNNING', createdAt: '1', startedAt: '1', finishedAt: '0', logPath, labels: {}, annotations: {}, mounts: [] },
        info: {},
      }),
    },
  };
}

/** Appends CRI log lines to `file` every `everyMs` until stopped; `bytesPerTick` sets the rate. */
export function growLog(file: string, everyMs = 20, bytesPerTick = 200): { stop(): void } {
  fs.writeFileSync(file, '');
  const line = (i: number) => `2024-01-01T00:00:00.000000000Z stdout F line ${i} ${'x'.repeat(60)}\n`;
  const per = Math.max(1, Math.round(bytesPerTick / line(0).length));
  let i = 0;
  const timer = setInterval(() => {
    let chunk = '';
    for (let k = 0; k < per; k++) chunk += line(i++);
    fs.appendFileSync(file, chunk);
  }, everyMs);
  return { stop: () => clearInterval(timer) };
}

/** ListContainerStats with `n` containers whose counters move on every call. */
export function statsOverride(n = 3): FakeCriOptions['overrides'] {
  let calls = 0;
  return {
    ListContainerStats: {
      respond: () => {
        calls++;
        const ts = String(BigInt(Date.now()) * 1_000_000n);
        return {
          stats: Array.from({ length: n }, (_, i) => ({
            attributes: { id: hexId(`stats:${i}`), metadata: { name: `c${i}`, attempt: 0 }, labels: {}, annotations: {} },
            cpu: { timestamp: ts, usageCoreNanoSeconds: { value: String(calls * 1e8 * (i + 1)) }, usageNanoCores: null },
            memory: { timestamp: ts, workingSetBytes: { value: String(1e6 * (i + 1)) } },
            writableLayer: { timestamp: ts, fsId: { mountpoint: '/' }, usedBytes: { value: '4096' }, inodesUsed: { value: '3' } },
            swap: null,
          })),
        };
      },
    },
  };
}

/** A never-ending events stream. */
export const endlessEvents = (): FakeCriOptions['overrides'] => ({ GetContainerEvents: { stream: containerEvents({ perSecond: 200 }) } });

/** A SPDY streaming server whose exec (or attach) prints "ready" then keeps the command running; Exec and Attach answer its URL. */
export async function endlessExec(): Promise<{ srv: FakeSpdyServer; overrides: FakeCriOptions['overrides'] }> {
  const srv = await startFakeSpdyServer(['v4.channel.k8s.io']);
  srv.scripts.set('/hold', (peer) => {
    peer.onStream = (s) => {
      if (s.headers.streamtype === 'stdout') peer.write(s.id, 'ready\n');
    };
  });
  const url = () => ({ url: `${srv.base}/hold` });
  return { srv, overrides: { Exec: { respond: url }, Attach: { respond: url } } };
}

export interface Started {
  child: ChildProcess;
  result: Promise<CliResult>;
  /** Resolves once stdout has printed something. */
  firstOutput: Promise<void>;
}

/** tcrictl with piped stdio; the safety net kills it after `killAfterMs`. */
export function startCli(args: string[], killAfterMs = 30_000): Started {
  const child = spawn(process.execPath, [binPath(), ...args], { env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  const result = collectOutput(child, killAfterMs);
  const firstOutput = new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('close', () => reject(new Error('exited before printing anything')));
  });
  firstOutput.catch(() => undefined);
  return { child, result, firstOutput };
}

/** Milliseconds from now until the child has closed. */
export function msUntilClosed(child: ChildProcess): Promise<number> {
  const t0 = performance.now();
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(0);
  return new Promise((resolve) => child.once('close', () => resolve(performance.now() - t0)));
}

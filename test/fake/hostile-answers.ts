/**
 * The calls the hostile-server tests make and the correct answer to each:
 * a unary call (`version`) and a large list (`ps -a`, 2,000 containers), with
 * what the output of a correct answer looks like, so "garbage printed as an
 * answer" can be told apart from the real one.
 */
import { encode, manyContainers } from './fake-cri';

export interface HostileCall {
  name: string;
  args: string[];
  answer: Buffer;
  /** True if stdout is exactly what the correct answer prints. */
  isCorrectOutput(stdout: string): boolean;
}

export const HOSTILE_VERSION = { version: '0.1.0', runtimeName: 'hostile', runtimeVersion: 'v9.9.9-hostile', runtimeApiVersion: 'v1' };
export const HOSTILE_LIST_SIZE = 2_000;

let cached: HostileCall[] | undefined;

export function callAnswers(): HostileCall[] {
  if (cached) return cached;
  const w = manyContainers(HOSTILE_LIST_SIZE);
  const ids = new Set(w.containers.map((c) => c.id.slice(0, 13)));
  cached = [
    {
      name: 'unary (version)',
      args: ['version'],
      answer: encode('RuntimeService', 'Version', HOSTILE_VERSION),
      isCorrectOutput: (out) => out === `Version:  0.1.0\nRuntimeName:  hostile\nRuntimeVersion:  v9.9.9-hostile\nRuntimeApiVersion:  v1\n`,
    },
    {
      name: `large list (ps -a, ${HOSTILE_LIST_SIZE} containers)`,
      args: ['ps', '-a', '-q'],
      answer: encode('RuntimeService', 'ListContainers', { containers: w.containers }),
      isCorrectOutput: (out) => {
        const lines = out.split('\n').filter(Boolean);
        return lines.length === HOSTILE_LIST_SIZE && lines.every((l) => ids.has(l.slice(0, 13)));
      },
    },
  ];
  return cached;
}

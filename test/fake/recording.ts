/**
 * The recorded real containerd answers (test/fixtures/containerd-answers.json.gz,
 * made by record-containerd.ts): every HTTP/2 frame containerd 1.6 sent for
 * one Version call and one ListContainers call (2,000 containers), each on a
 * fresh connection.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { repoRoot } from './fake-cri';
import { T, type Frame } from './h2-frames';

/** [type, flags, stream id, payload as base64]. */
export type RecordedFrame = [number, number, number, string];

export interface Recording {
  containerd: string;
  version: RecordedFrame[];
  listContainers: RecordedFrame[];
}

export const RECORDING_PATH = path.join(repoRoot(), 'test', 'fixtures', 'containerd-answers.json.gz');

let cached: Recording | undefined;

export function loadRecording(): Recording {
  cached ??= JSON.parse(zlib.gunzipSync(fs.readFileSync(RECORDING_PATH)).toString('utf8')) as Recording;
  return cached;
}

export function framesOf(rec: RecordedFrame[]): Frame[] {
  return rec.map(([type, flags, stream, b64]) => ({ type, flags, stream, payload: Buffer.from(b64, 'base64') }));
}

/**
 * The frames that make the answer (settings, headers, data, trailers), without
 * the ones that were replies to the recorded client (SETTINGS/PING ACKs,
 * WINDOW_UPDATEs): the replaying server answers its own client for those.
 */
export function answerFrames(rec: RecordedFrame[]): Frame[] {
  return framesOf(rec).filter((f) => !(f.type === T.SETTINGS && f.flags & 1) && f.type !== T.PING && f.type !== T.WINDOW_UPDATE);
}

/** The gRPC message (the protobuf bytes) inside the recorded DATA frames. */
export function messageOf(rec: RecordedFrame[]): Buffer {
  const data = Buffer.concat(framesOf(rec).filter((f) => f.type === T.DATA).map((f) => f.payload));
  return data.subarray(5, 5 + data.readUInt32BE(1));
}

/**
 * Seeded mutations of a recorded HTTP/2 answer (the fuzz test's cases): bit
 * flips, truncations, splices, frame reordering, duplication and dropping,
 * and lies in the lengths (frame length, gRPC length prefix, compressed flag).
 * The same seed gives the same bytes.
 */
import { encodeFrame, T, type Frame } from './h2-frames';

/** mulberry32: a small deterministic PRNG, so a seed names a case. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Mutation {
  /** What was done, for the failure message. */
  what: string;
  /** The bytes the server sends after its preface exchange. */
  bytes: Buffer;
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);

function flipBits(r: Rand, b: Buffer): string {
  const n = 1 + int(r, 8);
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    const bit = int(r, b.length * 8);
    b[bit >> 3] ^= 1 << (bit & 7);
    at.push(bit >> 3);
  }
  return `flipped ${n} bits at bytes ${at.join(',')}`;
}

/** A byte inside the frame headers or the gRPC prefix: where a flip hurts most. */
function structuralOffsets(frames: Frame[]): number[] {
  const out: number[] = [];
  let at = 0;
  let firstData = true;
  for (const f of frames) {
    for (let i = 0; i < 9; i++) out.push(at + i);
    if (f.type === T.DATA && firstData) {
      firstData = false;
      for (let i = 0; i < Math.min(5, f.payload.length); i++) out.push(at + 9 + i);
    }
    at += 9 + f.payload.length;
  }
  return out;
}

export function mutate(frames: Frame[], seed: number): Mutation {
  const r = rng(seed);
  const list = frames.map((f) => ({ ...f, payload: Buffer.from(f.payload) }));
  const whole = () => Buffer.concat(list.map(encodeFrame));
  const kind = int(r, 9);
  switch (kind) {
    case 0: {
      const b = whole();
      return { what: flipBits(r, b), bytes: b };
    }
    case 1: {
      const b = whole();
      const offs = structuralOffsets(list);
      const at = offs[int(r, offs.length)];
      b[at] ^= 1 << int(r, 8);
      return { what: `flipped a bit of structural byte ${at}`, bytes: b };
    }
    case 2: {
      const b = whole();
      const cut = int(r, b.length);
      return { what: `truncated to ${cut} of ${b.length} bytes`, bytes: b.subarray(0, cut) };
    }
    case 3: {
      const b = whole();
      const from = int(r, b.length);
      const len = 1 + int(r, Math.min(4096, b.length - from));
      const to = int(r, b.length);
      const insert = r() < 0.5;
      const piece = Buffer.from(b.subarray(from, from + len));
      const out = insert ? Buffer.concat([b.subarray(0, to), piece, b.subarray(to)]) : Buffer.concat([b.subarray(0, to), piece, b.subarray(Math.min(b.length, to + len))]);
      return { what: `${insert ? 'inserted' : 'overwrote'} ${len} bytes from ${from} at ${to}`, bytes: out };
    }
    case 4: {
      const i = int(r, list.length);
      const j = int(r, list.length);
      [list[i], list[j]] = [list[j], list[i]];
      return { what: `swapped frames ${i} and ${j}`, bytes: whole() };
    }
    case 5: {
      const i = int(r, list.length);
      const dup = r() < 0.5;
      if (dup) list.splice(i, 0, list[i]);
      else list.splice(i, 1);
      return { what: `${dup ? 'duplicated' : 'dropped'} frame ${i} (type ${list[i]?.type})`, bytes: whole() };
    }
    case 6: {
      // A frame whose length field lies (the payload stays as it was).
      const b = whole();
      const starts: number[] = [];
      let at = 0;
      for (const f of list) {
        starts.push(at);
        at += 9 + f.payload.length;
      }
      const s = starts[int(r, starts.length)];
      const old = b.readUIntBE(s, 3);
      const next = Math.max(0, Math.min(0xffffff, old + (int(r, 2) ? 1 : -1) * (1 + int(r, 300))));
      b.writeUIntBE(next, s, 3);
      return { what: `frame at ${s}: length ${old} → ${next}`, bytes: b };
    }
    case 7: {
      // The gRPC length prefix lies, or the compressed flag is set.
      const d = list.find((f) => f.type === T.DATA && f.payload.length >= 5);
      if (!d) return { what: 'no DATA: unchanged', bytes: whole() };
      const old = d.payload.readUInt32BE(1);
      const choice = int(r, 4);
      if (choice === 0) d.payload[0] = 1;
      else d.payload.writeUInt32BE(choice === 1 ? 0 : choice === 2 ? (old + 1 + int(r, 1 << 20)) >>> 0 : Math.max(0, old - 1 - int(r, old)), 1);
      return { what: choice === 0 ? 'compressed flag set' : `gRPC length ${old} → ${d.payload.readUInt32BE(1)}`, bytes: whole() };
    }
    default: {
      // Several small changes at once.
      const b = whole();
      const notes = [flipBits(r, b)];
      const cut = b.length - int(r, 64);
      notes.push(`truncated by ${b.length - cut}`);
      return { what: notes.join('; '), bytes: b.subarray(0, cut) };
    }
  }
}

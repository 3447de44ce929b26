/**
 * What grpc-js (1.14) leaves to us: a response stream that ends inside a
 * message — a gRPC length prefix that promised more bytes than came, e.g. 0
 * before the real answer, or 35 before 34 bytes — ends the call with the
 * server's OK, the incomplete message dropped silently, so the call
 * "succeeds" with whatever came before it (an empty VersionResponse). Here
 * such a call fails with INTERNAL instead. It reads two fields of grpc-js's
 * internal Http2SubchannelCall (`readsClosed`, `decoder.readState`), so the
 * hostile-server test (length-short, length-long) guards it on every upgrade;
 * if the internals move, the guard does nothing rather than break calls.
 */
interface SubchannelCallish {
  readsClosed?: boolean;
  finalStatus?: { code: number; details: string } | null;
  decoder?: { readState?: number };
}

const NO_DATA = 0;
const OK = 0;
const INTERNAL = 13;

export function guardTruncatedMessages(): void {
  let proto: (SubchannelCallish & { maybeOutputStatus?: () => void; tcrictlGuard?: boolean }) | undefined;
  try {
    proto = (require('@grpc/grpc-js/build/src/subchannel-call') as { Http2SubchannelCall?: { prototype: typeof proto } }).Http2SubchannelCall?.prototype;
  } catch {
    return;
  }
  if (!proto || typeof proto.maybeOutputStatus !== 'function' || proto.tcrictlGuard) return;
  const original = proto.maybeOutputStatus;
  proto.maybeOutputStatus = function (this: SubchannelCallish) {
    const readState = this.decoder?.readState;
    if (this.readsClosed && this.finalStatus?.code === OK && readState !== undefined && readState !== NO_DATA) {
      this.finalStatus = { ...this.finalStatus, code: INTERNAL, details: 'the response ended inside a message (its length prefix promised more bytes than came)' };
    }
    original.call(this);
  };
  proto.tcrictlGuard = true;
}

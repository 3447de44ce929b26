/**
 * A call whose connection died without a word. When a server breaks HPACK
 * (a 4 GiB table size update, an index past the table, a bad Huffman code),
 * Node's HTTP/2 (nghttp2) sends GOAWAY COMPRESSION_ERROR and then silently
 * stops reading the socket: no session 'error' or 'close', no stream
 * 'close', so grpc-js never ends the call and its channel stays READY. A
 * deadline still ends a unary call; a stream (or a call without a deadline)
 * just waits, and as a socket nobody reads keeps nothing alive, the event
 * loop empties under it.
 *
 * That empty loop ('beforeExit', a documented Node event) is the sign: the
 * call is still open and nothing is left that could ever deliver to it. It
 * needs no timer and catches any such silent drop, not only the HPACK ones;
 * a healthy call never sees it, as grpc-js refs the session while a call is
 * active and a socket being read keeps the loop alive.
 */

const stranded = new Set<() => void>();

/** One process listener for all open calls (one each would trip Node's 10-listener warning). */
function onLoopEmpty(): void {
  const calls = [...stranded];
  stranded.clear();
  process.removeListener('beforeExit', onLoopEmpty);
  for (const fail of calls) fail();
}

/** Runs `onDead` if the event loop empties before the returned disposer is called. */
export function whenStranded(onDead: () => void): () => void {
  const entry = () => onDead();
  if (stranded.size === 0) process.on('beforeExit', onLoopEmpty);
  stranded.add(entry);
  return () => {
    if (stranded.delete(entry) && stranded.size === 0) process.removeListener('beforeExit', onLoopEmpty);
  };
}

/** Cancels `call` if it is stranded; `lost` then says why it ended. Call `stop()` when the call ends. */
export function watchStranded(call: { cancel(): void }): { readonly lost: boolean; stop(): void } {
  const w = { lost: false, stop: () => {} };
  w.stop = whenStranded(() => {
    w.lost = true;
    call.cancel();
  });
  return w;
}

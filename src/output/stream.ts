/**
 * Lists as crictl's JSON, written in chunks (json-writer.ts writes each
 * element), to a stdout that may be a slow pipe or one closed early.
 */
import { drained, ioStreams } from '../cli/io';
import { stdoutClosed } from '../cli/lifecycle';
import { listWriter, type Writer } from './json-writer';
import { renderMessage } from './render';

const CHUNK_CHARS = 1 << 16;

/**
 * `renderMessage(listType, {[field]: items}, 'json')` plus its newline, as
 * chunks. For a list message whose only field is the repeated one. `items`
 * are plain objects, or protobufjs messages with `{ pb: true }`.
 */
export function* jsonListChunks(listType: string, field: string, items: readonly unknown[], opts: { pb?: boolean } = {}): Generator<string> {
  const write = listWriter(listType, field, opts.pb === true);
  if (!write) {
    if (opts.pb) throw new Error(`stream: ${listType}.${field} is not a list message's one repeated field`);
    yield renderMessage(listType, { [field]: items }, 'json') + '\n';
    return;
  }
  yield* listChunks(field, items, write);
}

/** `{"field": [items…]}` and a newline, in chunks of about CHUNK_CHARS, each item written by `write`. */
function* listChunks(field: string, items: readonly unknown[], write: Writer): Generator<string> {
  if (items.length === 0) {
    yield `{\n  ${JSON.stringify(field)}: []\n}\n`;
    return;
  }
  let buf = `{\n  ${JSON.stringify(field)}: [\n`;
  const last = items.length - 1;
  for (let i = 0; i <= last; i++) {
    buf += `    ${write(items[i], '    ')}${i < last ? ',\n' : '\n'}`;
    if (buf.length >= CHUNK_CHARS) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}  ]\n}\n`;
}

/**
 * Writes chunks to stdout, waiting for the reader when the pipe is full (so a
 * slow reader never makes tcrictl buffer the whole document), and stopping as
 * soon as the reader has gone (`tcrictl ps -a -o json | head`).
 */
export async function writeChunks(chunks: Iterable<string | Uint8Array>, out: NodeJS.WritableStream = ioStreams().out): Promise<void> {
  for (const chunk of chunks) {
    if (stdoutClosed()) return;
    if (!out.write(chunk)) await drained(out);
  }
}

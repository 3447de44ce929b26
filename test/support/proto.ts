/**
 * Loading proto/cri-api/api.proto for the test doubles (the fake runtime and
 * the harness's standalone client), independently of src/cri/proto.ts so a
 * broken loader in src/ cannot hide behind a broken fixture.
 */
import * as protoLoader from '@grpc/proto-loader';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root: the nearest ancestor holding package.json (works from test/ and dist/test/). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

const loaded = new Map<boolean, protoLoader.PackageDefinition>();

/**
 * The CRI package definition with the product's decoding (camelCase, int64 as
 * strings, enums as names, defaults). `fillEmpty` also decodes absent repeated
 * and message fields as [] and {} (the client side's arrays/objects options);
 * the fake server decodes requests without them, as its handlers expect.
 */
export function criDefinition(fillEmpty: boolean): protoLoader.PackageDefinition {
  let def = loaded.get(fillEmpty);
  if (!def) {
    def = protoLoader.loadSync(path.join(repoRoot(), 'proto', 'cri-api', 'api.proto'), {
      keepCase: false,
      longs: String,
      enums: String,
      defaults: true,
      ...(fillEmpty ? { arrays: true, objects: true } : {}),
      oneofs: true,
    });
    loaded.set(fillEmpty, def);
  }
  return def;
}

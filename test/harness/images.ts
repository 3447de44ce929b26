/**
 * Builds the test images as OCI image-layout archives, offline and deterministically.
 *
 * Both images share one uncompressed layer: the host's static busybox at
 * /bin/busybox plus one symlink per applet, a tiny /etc/passwd and /tmp.
 * The pause image only differs in its config (it runs `busybox sleep`), so the
 * two images have different IDs but one layer.
 *
 *   buildImageArchives() -> { busybox: '/tmp/tcri-img-XXXX/busybox.tar', pause: ... }
 *   IMAGE_REFS           -> the names CRI lists in repoTags after import
 *
 * Archives are written once per process (cached) and removed at process exit.
 * The same busybox binary always yields byte-identical archives: fixed mtimes,
 * uid/gid 0, sorted entries, no compression.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const BUSYBOX_BINARY = '/bin/busybox';

/** Image references as containerd's CRI reports them in repoTags. */
export const IMAGE_REFS = {
  busybox: 'localhost/tcrictl-test/busybox:1.0',
  pause: 'localhost/tcrictl-test/pause:1.0',
} as const;

export type ImageName = keyof typeof IMAGE_REFS;

// ---------------------------------------------------------------- tar writer

export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  data?: Buffer;
  linkname?: string;
}

function writeString(buf: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar: field too long: ${value}`);
  bytes.copy(buf, offset);
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  // length-1 octal digits, then NUL, as ustar expects.
  writeString(buf, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

function tarHeader(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  writeString(h, 0, 100, entry.name);
  writeOctal(h, 100, 8, entry.mode);
  writeOctal(h, 108, 8, 0); // uid
  writeOctal(h, 116, 8, 0); // gid
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, 0); // mtime: fixed for determinism
  h.fill(0x20, 148, 156); // checksum placeholder: spaces
  h.write(entry.type === 'file' ? '0' : entry.type === 'symlink' ? '2' : '5', 156, 'latin1');
  if (entry.linkname) writeString(h, 157, 100, entry.linkname);
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 265, 32, 'root');
  writeString(h, 297, 32, 'root');
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** A minimal ustar writer: enough for short names, files, dirs and symlinks. */
export function makeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.type === 'file' ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    parts.push(tarHeader(e, data.length), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024)); // end-of-archive marker
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------- image content

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function busyboxApplets(): string[] {
  const out = execFileSync(BUSYBOX_BINARY, ['--list'], { encoding: 'utf8' });
  const names = out.split('\n').map((s) => s.trim()).filter((s) => /^[\w.[\]-]+$/.test(s) && s !== 'busybox');
  return [...new Set(names)].sort();
}

function rootfsLayer(extra: TarEntry[] = []): Buffer {
  if (!fs.existsSync(BUSYBOX_BINARY)) {
    throw new Error(`${BUSYBOX_BINARY} not found: install busybox-static (apt-get install busybox-static)`);
  }
  const entries: TarEntry[] = [
    { name: 'bin/', type: 'dir', mode: 0o755 },
    { name: 'bin/busybox', type: 'file', mode: 0o755, data: fs.readFileSync(BUSYBOX_BINARY) },
    ...busyboxApplets().map((a): TarEntry => ({ name: `bin/${a}`, type: 'symlink', mode: 0o777, linkname: 'busybox' })),
    { name: 'etc/', type: 'dir', mode: 0o755 },
    { name: 'etc/group', type: 'file', mode: 0o644, data: Buffer.from('root:x:0:\nnogroup:x:65534:\n') },
    {
      name: 'etc/passwd',
      type: 'file',
      mode: 0o644,
      data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'),
    },
    { name: 'root/', type: 'dir', mode: 0o700 },
    { name: 'tmp/', type: 'dir', mode: 0o1777 },
    ...extra,
  ];
  return makeTar(entries);
}

function ociArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };
  return map[process.arch] ?? process.arch;
}

interface Blob {
  digest: string;
  size: number;
  data: Buffer;
}

function blob(data: Buffer | string): Blob {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return { digest: `sha256:${sha256(buf)}`, size: buf.length, data: buf };
}

/** An OCI image-layout tar holding a single image named `ref` that runs `cmd`. */
export function ociArchive(layer: Buffer, ref: string, cmd: string[]): Buffer {
  const layerBlob = blob(layer);
  const config = blob(
    JSON.stringify({
      created: '1970-01-01T00:00:00Z',
      architecture: ociArch(),
      os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: cmd, WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [layerBlob.digest] },
      history: [{ created: '1970-01-01T00:00:00Z', created_by: 'tcrictl test harness' }],
    }),
  );
  const manifest = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerBlob.digest, size: layerBlob.size }],
    }),
  );
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: manifest.digest,
        size: manifest.size,
        platform: { architecture: ociArch(), os: 'linux' },
        annotations: { 'org.opencontainers.image.ref.name': ref },
      },
    ],
  });
  const blobs = [layerBlob, config, manifest].sort((a, b) => a.digest.localeCompare(b.digest));
  return makeTar([
    { name: 'blobs/', type: 'dir', mode: 0o755 },
    { name: 'blobs/sha256/', type: 'dir', mode: 0o755 },
    ...blobs.map((b): TarEntry => ({ name: `blobs/sha256/${b.digest.slice(7)}`, type: 'file', mode: 0o644, data: b.data })),
    { name: 'index.json', type: 'file', mode: 0o644, data: Buffer.from(index) },
    { name: 'oci-layout', type: 'file', mode: 0o644, data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
  ]);
}

// ---------------------------------------------------------------- cached archives

/** What each test image runs. The pause image just sleeps "forever". */
export const IMAGE_CMDS: Record<ImageName, string[]> = {
  busybox: ['sh'],
  pause: ['/bin/busybox', 'sleep', '2147483647'],
};

let cached: { dir: string; archives: Record<ImageName, string> } | undefined;

/** Writes (once per process) both archives into a private temp dir and returns their paths. */
export function buildImageArchives(): Record<ImageName, string> {
  if (cached && fs.existsSync(cached.archives.busybox) && fs.existsSync(cached.archives.pause)) return cached.archives;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcri-img-'));
  const layer = rootfsLayer();
  const archives = {} as Record<ImageName, string>;
  for (const name of Object.keys(IMAGE_REFS) as ImageName[]) {
    archives[name] = path.join(dir, `${name}.tar`);
    fs.writeFileSync(archives[name], ociArchive(layer, IMAGE_REFS[name], IMAGE_CMDS[name]));
  }
  if (cached) fs.rmSync(cached.dir, { recursive: true, force: true });
  else process.once('exit', removeImageArchives);
  cached = { dir, archives };
  return archives;
}

/** Deletes the cached archives (also done at process exit). */
export function removeImageArchives(): void {
  if (cached) fs.rmSync(cached.dir, { recursive: true, force: true });
  cached = undefined;
}

/**
 * One more image, different from the two above: the busybox rootfs plus a
 * file of `fillerBytes` random bytes (/filler), so that it takes space of its
 * own (pull and prune tests watch imagefsinfo). Written next to the cached
 * archives; returns the archive path (an OCI layout tar naming `ref`).
 */
export function customArchive(ref: string, cmd: string[], fillerBytes = 0): string {
  const { busybox } = buildImageArchives();
  const extra: TarEntry[] = fillerBytes > 0 ? [{ name: 'filler', type: 'file', mode: 0o644, data: randomBytes(fillerBytes) }] : [];
  const file = path.join(path.dirname(busybox), `custom-${sha256(ref).slice(0, 12)}.tar`);
  fs.writeFileSync(file, ociArchive(rootfsLayer(extra), ref, cmd));
  return file;
}

/**
 * One OCI layout tar holding `refs.length` images that share the busybox
 * layer and differ only in their config (so each has its own ID): for
 * benchmarks that need hundreds of images without hundreds of layers.
 */
export function manyImagesArchive(refs: string[]): string {
  const layerBlob = blob(rootfsLayer());
  const blobs = new Map<string, Blob>([[layerBlob.digest, layerBlob]]);
  const manifests = refs.map((ref, i) => {
    const config = blob(
      JSON.stringify({
        created: '1970-01-01T00:00:00Z',
        architecture: ociArch(),
        os: 'linux',
        config: { Cmd: ['sh'], Labels: { 'tcrictl.test/n': String(i) } },
        rootfs: { type: 'layers', diff_ids: [layerBlob.digest] },
      }),
    );
    const manifest = blob(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerBlob.digest, size: layerBlob.size }],
      }),
    );
    blobs.set(config.digest, config);
    blobs.set(manifest.digest, manifest);
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifest.digest, size: manifest.size, platform: { architecture: ociArch(), os: 'linux' }, annotations: { 'org.opencontainers.image.ref.name': ref } };
  });
  const sorted = [...blobs.values()].sort((a, b) => a.digest.localeCompare(b.digest));
  const file = path.join(os.tmpdir(), `tcri-many-${process.pid}.tar`);
  fs.writeFileSync(
    file,
    makeTar([
      { name: 'blobs/', type: 'dir', mode: 0o755 },
      { name: 'blobs/sha256/', type: 'dir', mode: 0o755 },
      ...sorted.map((b): TarEntry => ({ name: `blobs/sha256/${b.digest.slice(7)}`, type: 'file', mode: 0o644, data: b.data })),
      { name: 'index.json', type: 'file', mode: 0o644, data: Buffer.from(JSON.stringify({ schemaVersion: 2, manifests })) },
      { name: 'oci-layout', type: 'file', mode: 0o644, data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    ]),
  );
  return file;
}

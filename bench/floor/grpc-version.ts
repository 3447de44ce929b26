/**
 * The floor of any Node CRI client on grpc-js: one `runtime.v1.RuntimeService/Version`
 * call with @grpc/grpc-js and a proto-loader definition of just that method, its
 * answer printed as `tcrictl version` prints it. bench/cases/version.ts bundles it
 * with esbuild and runs it through bin/loader.js with a V8 code cache, as tcrictl runs.
 *
 *   node bin/loader-run … <bundle> unix:///path/to/cri.sock
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const str = (id: number) => ({ type: 'string', id });
const def = protoLoader.fromJSON(
  ({
    nested: {
      runtime: {
        nested: {
          v1: {
            nested: {
              RuntimeService: { methods: { Version: { requestType: 'VersionRequest', responseType: 'VersionResponse' } } },
              VersionRequest: { fields: { version: str(1) } },
              VersionResponse: { fields: { version: str(1), runtimeName: str(2), runtimeVersion: str(3), runtimeApiVersion: str(4) } },
            },
          },
        },
      },
    },
  } as unknown) as Parameters<typeof protoLoader.fromJSON>[0],
  { longs: String, enums: String, defaults: true },
);
const m = (def['runtime.v1.RuntimeService'] as protoLoader.ServiceDefinition).Version;

export function run(endpoint: string): void {
  const client = new grpc.Client(endpoint, grpc.credentials.createInsecure());
  client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, { version: 'v1' }, { deadline: Date.now() + 2000 }, (err, res) => {
    const v = res as Record<string, string> | undefined;
    client.close();
    if (err || !v) {
      process.stderr.write(`${err?.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`Version:  ${v.version}\nRuntimeName:  ${v.runtimeName}\nRuntimeVersion:  ${v.runtimeVersion}\nRuntimeApiVersion:  ${v.runtimeApiVersion}\n`);
  });
}

/**
 * crictl's global flags, as oclif flag definitions: the base command's
 * baseFlags, and what `help` accepts (crictl takes them before `help` too).
 * Kept apart from base-command.ts so help never loads the CRI client.
 */
import { Flags } from './command';

export const globalFlags = {
  'runtime-endpoint': Flags.string({
    char: 'r',
    env: 'CONTAINER_RUNTIME_ENDPOINT',
    helpGroup: 'GLOBAL',
    summary: 'Runtime endpoint, e.g. unix:///run/containerd/containerd.sock (default: auto-detect).',
  }),
  'image-endpoint': Flags.string({
    char: 'i',
    env: 'IMAGE_SERVICE_ENDPOINT',
    helpGroup: 'GLOBAL',
    summary: 'Image service endpoint (default: the runtime endpoint).',
  }),
  config: Flags.string({
    char: 'c',
    env: 'CRI_CONFIG_FILE',
    helpGroup: 'GLOBAL',
    summary: 'Config file in crictl format [default: /etc/crictl.yaml].',
  }),
  timeout: Flags.string({
    char: 't',
    helpGroup: 'GLOBAL',
    summary: 'Timeout for connecting and for each call: 2s, 500ms, 1m or plain seconds [default: 2s].',
  }),
  debug: Flags.boolean({ char: 'D', helpGroup: 'GLOBAL', summary: 'Show what tcrictl tries (endpoints, calls) on stderr.' }),
};

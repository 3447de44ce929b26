/**
 * Option flags shared by the read commands, with crictl's names and short
 * characters. `-o` is a plain string checked by `outputFormat` so a bad value
 * is a usage error (exit 1) that names the allowed formats.
 */
import { Flags } from './command';
import { compileRegex, parseLabels } from '../cri/filters';
import { compileTemplate, type GoTemplate } from '../output/go-template';
import { checkFormat, type OutputFormat } from '../output/render';

export const output = (formats: readonly string[], fallback: OutputFormat) =>
  Flags.string({ char: 'o', summary: `Output format, one of: ${formats.join('|')} [default: ${fallback}].` });

export function outputFormat(value: string | undefined, formats: readonly OutputFormat[], fallback: OutputFormat): OutputFormat {
  return checkFormat(value, formats, fallback);
}

/** --template, on the commands where crictl has -o go-template (inspect*, info, events). */
export const template = Flags.string({ summary: 'The template for -o go-template: Go text/template, run on the JSON that -o json prints.' });

/**
 * -o for the commands with go-template: the parsed --template for -o go-template (a template that
 * does not parse is a usage error, before any call), else the format. A --template with another
 * format is ignored, as crictl ignores it there.
 */
export function outputOrTemplate(value: string | undefined, tmpl: string | undefined, formats: readonly OutputFormat[], fallback: OutputFormat): OutputFormat | GoTemplate {
  if (value === 'go-template') return compileTemplate(tmpl ?? '');
  return checkFormat(value, formats, fallback);
}

export const quietList = (what: string) => Flags.boolean({ char: 'q', summary: `Only display ${what} IDs (full IDs, one per line).` });
export const quietStatus = Flags.boolean({ char: 'q', summary: 'Do not show verbose information (sends verbose=false: no runtime info).' });
export const verbose = (what: string) => Flags.boolean({ char: 'v', summary: `Show verbose information for ${what}.` });
export const noTrunc = Flags.boolean({ summary: 'Show output without truncating the IDs.' });
export const label = Flags.string({ multiple: true, multipleNonGreedy: true, summary: 'Filter by key=value label (repeatable; all must match).' });
export const latest = (what: string) => Flags.boolean({ char: 'l', summary: `Show the most recently created ${what} (includes all states).` });
export const last = (what: string) => Flags.integer({ char: 'n', min: 0, summary: `Show the last n recently created ${what} (includes all states); 0 for unlimited.` });
export const nameRegex = (what: string) => Flags.string({ summary: `Filter by ${what} name regular expression pattern.` });
export const namespaceRegex = Flags.string({ summary: 'Filter by pod namespace regular expression pattern.' });
export const imageFilter = Flags.string({
  char: 'f',
  multiple: true,
  multipleNonGreedy: true,
  summary: 'Filter images: dangling=true|false, reference=<regexp>, before=<image>, since=<image> (repeatable, applied in order).',
});

/** The container filter family of `ps` (and `inspect` without IDs). */
export const containerFilterFlags = {
  all: Flags.boolean({ char: 'a', summary: 'Show all containers (default: running only).' }),
  name: nameRegex('container'),
  namespace: namespaceRegex,
  pod: Flags.string({ char: 'p', summary: 'Filter by pod ID (or ID prefix, if the runtime accepts one).' }),
  image: Flags.string({ summary: 'Filter by container image (compared by image ID).' }),
  state: Flags.string({ char: 's', summary: 'Filter by container state: created, running, exited or unknown.' }),
  label,
  latest: latest('container'),
  last: last('containers'),
};

/** The pod filter family of `pods` (and `inspectp` without IDs). */
export const podFilterFlags = {
  name: nameRegex('pod'),
  namespace: namespaceRegex,
  state: Flags.string({ char: 's', summary: 'Filter by pod state: ready or notready.' }),
  label,
  latest: latest('pod'),
  last: last('pods'),
};

/** --label, --name and --namespace of both families, checked before any call (a bad one is a usage error). */
export function labelAndNameFilters(f: { label?: string[]; name?: string; namespace?: string }) {
  return { labels: parseLabels(f.label), name: compileRegex(f.name, '--name'), namespace: compileRegex(f.namespace, '--namespace') };
}

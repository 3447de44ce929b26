/**
 * Input the CRI layer cannot use: a malformed endpoint, label, filter, state
 * or an empty ID. The CRI layer knows nothing of exit codes; src/cli/errors.ts
 * reports this as a usage error (exit 1), with the hint.
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

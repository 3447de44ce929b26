/**
 * The one import for command files: oclif's Command, Flags and Args.
 *
 * Args never read stdin: oclif reads piped stdin for a missing first argument
 * (`echo x | tcrictl logs` would mean `logs x`); tcrictl reports the missing
 * argument instead, so a pipe never changes what a command acts on.
 */
import { Args as OclifArgs, Command, Flags } from '@oclif/core';

export { Command, Flags };

export const Args = {
  ...OclifArgs,
  string: ((options: object = {}) => OclifArgs.string({ ...options, ignoreStdin: true })) as typeof OclifArgs.string,
};

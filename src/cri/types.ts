/**
 * Decoded CRI messages as this code base sees them: the `__Output` types
 * proto-loader's generator writes from proto/ (scripts/build.js), for the
 * decoding options of proto.ts (DECODE_OPTIONS): camelCase names, int64 as
 * decimal strings, enums as their names, every field present, unset
 * messages as null. Requests take the permissive input types.
 */
import type { ContainerFilter as ContainerFilterIn } from './generated/types/runtime/v1/ContainerFilter';
import type { Container__Output as Container__Out } from './generated/types/runtime/v1/Container';
import type { PodSandboxFilter as PodSandboxFilterIn } from './generated/types/runtime/v1/PodSandboxFilter';

export type { Container__Output as Container } from './generated/types/runtime/v1/Container';
export type { ContainerMetadata__Output as ContainerMetadata } from './generated/types/runtime/v1/ContainerMetadata';
export type { ContainerState__Output as ContainerState } from './generated/types/runtime/v1/ContainerState';
export type { ContainerStatus__Output as ContainerStatus } from './generated/types/runtime/v1/ContainerStatus';
export type { Image__Output as Image } from './generated/types/runtime/v1/Image';
export type { ImageSpec__Output as ImageSpec } from './generated/types/runtime/v1/ImageSpec';
export type { PodSandbox__Output as PodSandbox } from './generated/types/runtime/v1/PodSandbox';
export type { PodSandboxMetadata__Output as PodSandboxMetadata } from './generated/types/runtime/v1/PodSandboxMetadata';
export type { PodSandboxState__Output as PodSandboxState } from './generated/types/runtime/v1/PodSandboxState';
export type { PodSandboxStatus__Output as PodSandboxStatus } from './generated/types/runtime/v1/PodSandboxStatus';
export type { RuntimeCondition__Output as RuntimeCondition } from './generated/types/runtime/v1/RuntimeCondition';
export type { StatusResponse__Output as StatusResponse } from './generated/types/runtime/v1/StatusResponse';
export type { VersionResponse__Output as VersionResponse } from './generated/types/runtime/v1/VersionResponse';
export type { ContainerEventResponse__Output as ContainerEventResponse } from './generated/types/runtime/v1/ContainerEventResponse';

export type Labels = Record<string, string>;

/**
 * A Container as protobufjs decodes it, before toObject (raw-codec.ts): what
 * the client-side filters read. int64 is a long.js Long there, whose
 * toString() is the decimal string the other shape carries.
 */
export type RawContainer = Pick<Container__Out, 'metadata' | 'labels' | 'image'> & { createdAt: string | { toString(): string } };
export type ContainerFilter = ContainerFilterIn;
export type PodSandboxFilter = PodSandboxFilterIn;

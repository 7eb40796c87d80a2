export type { CallRecord } from "./emulator/call-log.ts";
export { createEmulator, type Emulator, type EmulatorOptions } from "./emulator/create-emulator.ts";
export type { ChannelSeed, CredentialSeed, DataSet } from "./emulator/data-set.ts";
export type { Fault, FaultKind, FaultSpec } from "./emulator/faults.ts";
export {
  createOperationLimits,
  JOIN_LIMITS,
  type LimitedOperation,
  OPERATION_QUOTAS,
  type OperationLimits,
  type OperationQuota,
} from "./emulator/limits.ts";
export { EmulatorNetworkError, isEmulatorNetworkError } from "./emulator/network-error.ts";
export type { SdpOfferMessage } from "./emulator/sdp-offer.ts";
export type { SignalingConnection, SignalingUpgrade } from "./emulator/signaling-connect.ts";
export {
  KVS_SIGNALING_LIFETIMES,
  type SignalingLifetimes,
  type SignalingPeer,
  type SignalingSocket,
} from "./emulator/signaling-sockets.ts";
export * from "./fixtures/index.ts";

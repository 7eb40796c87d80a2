import { createClient, type KvsClient } from "@kvs-webrtc-storage/core";
import type { Config } from "../config/config.ts";
import { endpointTrust } from "./endpoint-trust.ts";

// One client per configuration and region, kept for the isolate's life so core's endpoint cache is reused.
const clients = new WeakMap<Config, Map<string, KvsClient>>();

/**
 * The core client for channels of `region`: operator credentials, one attempt per call (joins are not
 * idempotent; core still re-signs once after a clock-skew error), a bounded timeout, the configured
 * control plane, and only endpoints of that region (or the local emulator) trusted.
 *
 * @example
 * ```ts
 * await kvsClientFor(config, channel.region).joinStorageSession({ channelArn: channel.arn }, { signal });
 * ```
 */
export function kvsClientFor(config: Config, region: string): KvsClient {
  let byRegion = clients.get(config);
  if (byRegion === undefined) {
    byRegion = new Map();
    clients.set(config, byRegion);
  }
  let client = byRegion.get(region);
  if (client === undefined) {
    client = createClient({
      credentials: config.credentials,
      region,
      controlPlaneEndpoint:
        config.controlPlaneOrigin ?? config.emulatorOrigin ?? `https://kinesisvideo.${region}.amazonaws.com`,
      isTrustedEndpoint: endpointTrust(region, config.emulatorOrigin),
      maxAttempts: 1,
      timeoutMs: config.upstreamTimeoutMs,
    });
    byRegion.set(region, client);
  }
  return client;
}

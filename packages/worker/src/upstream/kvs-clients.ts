/** @module The operator's core client per region, and the operator's credentials, both from the configuration. */
import { type Credentials, createClient, endpointTrust, type KvsClient } from "@kvs-webrtc-storage/core";
import type { Config } from "../config/config.ts";
import { sendGateOf, upstreamCallMs } from "./send-gate.ts";

// one client per configuration and region, kept for the isolate's life so core's endpoint cache is reused
const clients = new WeakMap<Config, Map<string, KvsClient>>();

/**
 * The operator's AWS credentials, from the Worker's secrets.
 *
 * @example
 * await presignUrl(url, { credentials: operatorCredentials(config), region, expiresIn: 300 });
 */
export function operatorCredentials(config: Config): Credentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = config;
  const sessionToken = config.AWS_SESSION_TOKEN;
  return sessionToken === undefined
    ? { accessKeyId, secretAccessKey }
    : { accessKeyId, secretAccessKey, sessionToken };
}

/**
 * The core client for channels of `region`: operator credentials, one attempt per call (joins are not
 * idempotent; core still re-signs once after a clock-skew error), a bounded timeout, the configured
 * control plane, and only endpoints of that region (or the local emulator) trusted.
 *
 * @example
 * await kvsClientFor(config, channel.region).joinStorageSession({ channelArn: channel.arn }, { signal });
 */
export function kvsClientFor(config: Config, region: string): KvsClient {
  let byRegion = clients.get(config);
  if (byRegion === undefined) {
    byRegion = new Map();
    clients.set(config, byRegion);
  }
  let client = byRegion.get(region);
  if (client === undefined) {
    const fixedOrigin = config.CONTROL_PLANE_ORIGIN ?? config.EMULATOR_ORIGIN;
    client = createClient({
      credentials: operatorCredentials(config),
      region,
      // without a fixed origin core picks the region's own (amazonaws.com, or amazonaws.com.cn in China)
      ...(fixedOrigin === undefined ? {} : { controlPlaneEndpoint: fixedOrigin }),
      isTrustedEndpoint: endpointTrust(region, config.EMULATOR_ORIGIN),
      maxAttempts: 1,
      // a join may first wait in the send gate: AWS still gets its whole timeout after the send
      timeoutMs: upstreamCallMs(config),
      // one gate per configuration, shared by its regions' clients: it counts an account's joins in each region apart
      fetch: sendGateOf(config),
    });
    byRegion.set(region, client);
  }
  return client;
}

/** @module `npm run tenant -- add|list|rotate|disable|enable|token … [--local|--remote]`: the tenant registry CLI. */
import { parseArgs } from "node:util";
import { DEMO_TOKEN_SIGNING_KEYS } from "@kvs-webrtc-storage/testing/fixtures";
import { isKeyId, parseTokenSigningKeys, ROLES, type Role } from "@kvs-webrtc-storage/worker";
import {
  addTenant,
  listTenants,
  mintToken,
  parseGrant,
  rotateTenant,
  setDisabled,
  setOrigins,
} from "./tenant-commands.ts";
import { wranglerKv } from "./wrangler-kv.ts";

const USAGE = `usage: npm run tenant -- <command> [options] [--local | --remote]
  add <tenant-id> --channel [<partition>/]<account>/<region>/<glob> [--channel …] [--role MASTER|VIEWER …]
                  [--join-limit <per-second>] [--device-session-limit <per-second>] [--origin <pattern> …]
                  [--account-share <weight 1-100>]  (its weight when tenants share an AWS account's joins)
  origins <tenant-id> [--origin <pattern> …]   (replaces the list; none clears it)
  list
  rotate <tenant-id> [--drop-previous]
  disable <tenant-id>
  enable <tenant-id>
  token <tenant-id> --channel <channel ARN> --role MASTER|VIEWER [--client-id <id>] [--ttl <seconds>]
                    [--origin <https://app.example.com>]
The registry is local (wrangler dev's state) unless --remote is given. A new key is printed once.
token signs with TOKEN_SIGNING_KEYS from the environment (the deployed secret's value); locally it defaults to
the key npm start gives the proxy.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    local: { type: "boolean" },
    remote: { type: "boolean" },
    channel: { type: "string", multiple: true },
    role: { type: "string", multiple: true },
    "join-limit": { type: "string" },
    "device-session-limit": { type: "string" },
    "account-share": { type: "string" },
    "drop-previous": { type: "boolean" },
    "client-id": { type: "string" },
    ttl: { type: "string" },
    origin: { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  },
});

async function main(): Promise<void> {
  const [command, tenantId = ""] = positionals;
  if (values.help || command === undefined) return console.log(USAGE);
  if (values.local && values.remote) throw new Error("choose --local or --remote, not both");
  const kv = wranglerKv(values.remote ? "remote" : "local");
  if (command === "list") {
    for (const line of listTenants(kv)) console.log(line);
    return;
  }
  if (!isKeyId(tenantId)) throw new Error("tenant id: lower-case letters, digits and dashes (at most 63)");
  switch (command) {
    case "add":
      return printKey(await addTenant(kv, tenantId, newTenant()));
    case "rotate":
      return printKey(await rotateTenant(kv, tenantId, { dropPrevious: values["drop-previous"] === true }));
    case "origins":
      setOrigins(kv, tenantId, values.origin ?? []);
      return console.log(`tenant ${tenantId} origins: ${(values.origin ?? []).join(", ") || "none"}`);
    case "token":
      return console.log(JSON.stringify(await newToken(kv, tenantId)));
    case "disable":
    case "enable":
      setDisabled(kv, tenantId, command === "disable");
      return console.log(`tenant ${tenantId} ${command}d`);
    default:
      throw new Error(`unknown command ${command}\n${USAGE}`);
  }
}

function newTenant() {
  const channels = (values.channel ?? []).map(parseGrant);
  if (channels.length === 0)
    throw new Error("add needs at least one --channel [<partition>/]<account>/<region>/<glob>");
  const roles = values.role ?? [...ROLES];
  if (!roles.every(isRole)) {
    throw new Error("--role must be MASTER or VIEWER");
  }
  const join = optionalInteger(values["join-limit"], "--join-limit");
  const deviceSession = optionalInteger(values["device-session-limit"], "--device-session-limit");
  const share = optionalInteger(values["account-share"], "--account-share", 100);
  const limits = {
    ...(join && { joinPerSecond: join }),
    ...(deviceSession && { deviceSessionPerSecond: deviceSession }),
    ...(share && { accountShareWeight: share }),
  };
  const origins = values.origin ?? [];
  return {
    channels,
    roles,
    ...(Object.keys(limits).length > 0 && { limits }),
    ...(origins.length > 0 && { origins }),
  };
}

async function newToken(kv: ReturnType<typeof wranglerKv>, tenantId: string) {
  const [channelArn, ...more] = values.channel ?? [];
  if (channelArn === undefined || more.length > 0)
    throw new Error("token needs exactly one --channel <channel ARN>");
  const roles = values.role ?? [];
  const role = roles.length === 1 ? roles.find((name): name is Role => isRole(name)) : undefined;
  if (role === undefined) throw new Error("token needs one --role MASTER or VIEWER");
  const clientId = values["client-id"];
  if ((role === "VIEWER") !== (clientId !== undefined)) {
    throw new Error("--client-id is required for VIEWER and not allowed for MASTER");
  }
  const fallback = values.remote ? undefined : DEMO_TOKEN_SIGNING_KEYS;
  const keys = parseTokenSigningKeys(process.env.TOKEN_SIGNING_KEYS ?? fallback);
  const [key] = keys.ok ? (keys.value ?? []) : [];
  if (key === undefined) throw new Error(`TOKEN_SIGNING_KEYS ${keys.ok ? "must be set" : keys.error}`);
  // the proxy refuses tokens that live longer than its TOKEN_MAX_TTL_SECONDS
  const maxTtl = optionalInteger(process.env.TOKEN_MAX_TTL_SECONDS, "TOKEN_MAX_TTL_SECONDS") ?? 3600;
  const ttl = optionalInteger(values.ttl, "--ttl") ?? Math.min(900, maxTtl);
  if (ttl > maxTtl) throw new Error(`--ttl must be at most ${maxTtl} (TOKEN_MAX_TTL_SECONDS)`);
  const [origin, ...others] = values.origin ?? [];
  if (others.length > 0) throw new Error("a token is bound to one --origin at most");
  const grant = { channelArn, role, clientId, origin };
  return mintToken(kv, tenantId, grant, key, ttl);
}

function isRole(name: string): name is Role {
  return (ROLES as readonly string[]).includes(name);
}

function optionalInteger(value: string | undefined, name: string, max = 1000): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}`);
  return number;
}

function printKey(key: string): void {
  // The key goes to stdout alone, so it can be piped straight into a secret store.
  console.error("New tenant key (shown once; store it on the device now):");
  console.log(key);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

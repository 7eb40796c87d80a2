/** @module Entry for Node, Deno and Bun: `<runtime> signing-main.ts '<plan json>' <group>` prints one JSON line. */
import process from "node:process";
import { measureSigning, type SigningPlan } from "./measure-signing.ts";
import type { SignerGroup } from "./signer-names.ts";

const [runtime = "unknown", planJson = "{}", group = "parts"] = process.argv.slice(2);
const plan = JSON.parse(planJson) as SigningPlan;
const result = await measureSigning(runtime, plan, group as SignerGroup);
process.stdout.write(`${JSON.stringify(result)}\n`);

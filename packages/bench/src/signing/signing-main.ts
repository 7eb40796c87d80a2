/** @module Entry for Node, Deno and Bun: `<runtime> signing-main.ts '<plan json>'` prints one JSON line. */
import process from "node:process";
import { measureSigning, type SigningPlan } from "./measure-signing.ts";

const [runtime = "unknown", planJson = "{}"] = process.argv.slice(2);
const plan = JSON.parse(planJson) as SigningPlan;
const result = await measureSigning(runtime, plan);
process.stdout.write(`${JSON.stringify(result)}\n`);

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";

const entry = fileURLToPath(new URL("./emulator.ts", import.meta.url));

describe("npm run emulator", () => {
  it("prints the demo data and a curl, serves, and stops cleanly on SIGTERM", async ({ expect }) => {
    const child = spawn(process.execPath, [entry, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      let output = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1] && output.includes("Ctrl-C")) resolve(match[1]);
        });
        child.once("exit", () => reject(new Error(`exited early: ${output}`)));
      });
      expect(output).toContain(
        "arn:aws:kinesisvideo:us-west-2:111122223333:channel/demo-camera/1700000000000",
      );
      expect(output).toContain("AKIAEMULATOROPERATOR  emulator-operator-secret-not-for-production");
      expect(output).toContain('curl --aws-sigv4 "aws:amz:us-west-2:kinesisvideo"');
      const calls = await fetch(`${url}/_emulator/calls`, { headers: { connection: "close" } });
      expect(await calls.json()).toEqual([]);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("names a port in use, and how to choose another, in one line", async ({ expect }) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const address = taken.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const child = spawn(process.execPath, [entry], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, EMULATOR_PORT: String(port) },
      });
      let errors = "";
      child.stderr.on("data", (chunk: Buffer) => {
        errors += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(code).toBe(1);
      expect(errors.trim()).toBe(
        `port ${port} on 127.0.0.1 is already in use: choose another with --port N or EMULATOR_PORT=N`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("serves https and wss with --tls and prints how to trust its CA", async ({ expect }) => {
    const dir = mkdtempSync(join(tmpdir(), "kvs-cli-tls-"));
    const child = spawn(process.execPath, [entry, "--port", "0", "--tls", "--tls-dir", dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      let output = "";
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes("Ctrl-C")) resolve();
        });
        child.once("exit", () => reject(new Error(`exited early: ${output}`)));
      });
      const caPath = join(dir, "ca.pem");
      expect(output).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+/);
      expect(output).toContain(`NODE_EXTRA_CA_CERTS=${caPath}`);
      expect(output).toContain(`aws --ca-bundle ${caPath}`);
      expect(output).toContain("--ignore-certificate-errors-spki-list=");
      expect(readFileSync(caPath, "utf8")).toContain("BEGIN CERTIFICATE");
    } finally {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

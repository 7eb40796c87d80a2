import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { describe, it } from "vitest";
import { DEMO_CHANNELS, DEMO_CREDENTIALS } from "../fixtures/demo-data.ts";
import { startEmulator } from "./start-emulator.ts";

const run = promisify(execFile);
const hasCurl = spawnSync("curl", ["--version"]).status === 0;
const { accessKeyId, secretAccessKey } = DEMO_CREDENTIALS.operator;

describe.skipIf(!hasCurl)("curl --aws-sigv4 (the README example)", () => {
  it("is accepted, and a wrong secret is refused", async ({ expect }) => {
    const kvs = await startEmulator();
    try {
      const curl = (secret: string) =>
        run("curl", [
          "-sS",
          "--aws-sigv4",
          "aws:amz:us-west-2:kinesisvideo",
          "--user",
          `${accessKeyId}:${secret}`,
          "-H",
          "content-type: application/json",
          "-d",
          JSON.stringify({ channelArn: DEMO_CHANNELS.demoCamera.arn }),
          "-o",
          "/dev/null",
          "-w",
          "%{http_code}",
          `${kvs.url}/joinStorageSession`,
        ]);
      expect((await curl(secretAccessKey)).stdout).toBe("200");
      expect((await curl("wrong-secret")).stdout).toBe("403");
      expect(kvs.calls().map((call) => call.signedHeaders)).toEqual([
        ["content-type", "host", "x-amz-date"],
        ["content-type", "host", "x-amz-date"],
      ]);
    } finally {
      await kvs.close();
    }
  });
});

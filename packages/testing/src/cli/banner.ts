import type { DataSet } from "../emulator/data-set.ts";

/**
 * What `npm run emulator` prints: the demo channels and credentials (fixtures, not secrets) and a curl
 * that works against it.
 *
 * @example
 * console.log(banner("http://127.0.0.1:8790", demoDataSet()));
 */
export function banner(url: string, data: DataSet, tls?: { caPath: string; spkiSha256: string }): string {
  const operator = data.credentials.find((credential) => credential.sessionToken === undefined);
  const channel = data.channels.find((candidate) => candidate.mediaStorage);
  const lines = [
    `KVS emulator listening on ${url}`,
    "",
    "Channels:",
    ...data.channels.map((c) => `  ${c.arn}  media storage ${c.mediaStorage ? "ENABLED" : "DISABLED"}`),
    "",
    "Credentials (demo fixtures, not secrets):",
    ...data.credentials.map((c) => {
      const token = c.sessionToken === undefined ? "" : `  session token ${c.sessionToken}`;
      const expired = c.expiresAt === undefined ? "" : "  (expired: answers ExpiredTokenException)";
      return `  ${c.accessKeyId}  ${c.secretAccessKey}${token}${expired}`;
    }),
  ];
  if (operator && channel) {
    lines.push(
      "",
      "Try:",
      `  curl --aws-sigv4 "aws:amz:${channel.region}:kinesisvideo" --user ${operator.accessKeyId}:${operator.secretAccessKey} \\`,
      `    -H "content-type: application/json" -d '{"channelArn":"${channel.arn}"}' \\`,
      `    -i ${tls === undefined ? "" : `--cacert ${tls.caPath} `}${url}/joinStorageSession`,
    );
  }
  if (tls !== undefined) {
    lines.push(
      "",
      `TLS: https:// and wss://, signed by a local CA made here once (${tls.caPath}). Trust it with:`,
      `  Node:     NODE_EXTRA_CA_CERTS=${tls.caPath}`,
      `  AWS CLI:  aws --ca-bundle ${tls.caPath} … (or AWS_CA_BUNDLE=${tls.caPath})`,
      `  curl:     curl --cacert ${tls.caPath} …`,
      `  Chromium: --user-data-dir=<a profile dir> --ignore-certificate-errors-spki-list=${tls.spkiSha256}`,
      "            (the pin needs its own profile; or import the CA as an authority)",
      "  The certificate names 127.0.0.1, ::1 and localhost only.",
    );
  }
  lines.push(
    "",
    `Control: GET|DELETE ${url}/_emulator/calls  POST ${url}/_emulator/faults  POST ${url}/_emulator/reset`,
    "Ctrl-C stops the emulator.",
  );
  return lines.join("\n");
}

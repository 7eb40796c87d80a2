/**
 * Which discovered endpoints may receive signed requests and presigned URLs for channels of one
 * region: TLS on the default port to `*.kinesisvideo.<region>.amazonaws.com(.cn)`, or the configured
 * local emulator's exact host. Checked on the parsed URL, the same object that is later dialled.
 *
 * @example
 * ```ts
 * const trusted = endpointTrust("us-west-2", undefined);
 * trusted(new URL("wss://m-1234.kinesisvideo.us-west-2.amazonaws.com")); // true
 * trusted(new URL("https://evil.example/?.amazonaws.com")); // false
 * ```
 */
export function endpointTrust(region: string, emulatorOrigin: string | undefined): (url: URL) => boolean {
  const awsHost = new RegExp(
    `^(?:[a-z0-9-]+\\.)+kinesisvideo\\.${region.replaceAll("-", "\\-")}\\.amazonaws\\.com(?:\\.cn)?$`,
  );
  const emulatorHost = emulatorOrigin === undefined ? undefined : new URL(emulatorOrigin).host;
  return (url) => {
    if (url.username !== "" || url.password !== "") return false;
    if (
      (url.protocol === "https:" || url.protocol === "wss:") &&
      url.port === "" &&
      awsHost.test(url.hostname)
    ) {
      return true;
    }
    const local =
      url.protocol === "http:" ||
      url.protocol === "ws:" ||
      url.protocol === "https:" ||
      url.protocol === "wss:";
    return emulatorHost !== undefined && local && url.host === emulatorHost;
  };
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Parses SigV4's ISO-8601 basic format (`20150830T123600Z`) to epoch ms; `undefined` if malformed.
 *
 * @example
 * parseAmzDate("20150830T123600Z"); // 1440938160000
 */
export function parseAmzDate(value: string): number | undefined {
  const match = AMZ_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return formatAmzDate(ms) === value ? ms : undefined;
}

/**
 * Formats epoch ms as SigV4's ISO-8601 basic format.
 *
 * @example
 * formatAmzDate(1440938160000); // "20150830T123600Z"
 */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, "");
}

/**
 * Formats epoch ms as an HTTP-date, the form of the `Date` response header.
 *
 * @example
 * httpDate(1440938160000); // "Sun, 30 Aug 2015 12:36:00 GMT"
 */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

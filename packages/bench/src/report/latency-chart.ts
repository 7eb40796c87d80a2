/** @module An SVG chart of latency by percentile (the HdrHistogram view: the tail spread out to the right). */
import { percentile } from "../stats.ts";

/** One line of the chart. */
export interface LatencySeries {
  name: string;
  /** Ascending latencies in milliseconds. */
  sortedMs: readonly number[];
}

const WIDTH = 760;
const HEIGHT = 420;
const PLOT = { left: 64, right: 24, top: 64, bottom: 56 };
const COLORS = ["#1b9e77", "#7570b3", "#d95f02", "#e7298a"];
const SAMPLED = [0, 10, 25, 50, 75, 90, 95, 98, 99, 99.5, 99.9];
const TICKS = [0, 50, 90, 99, 99.9];
const MARKED = new Set([50, 90, 99]);

/** x position of a percentile: log10(1 / (1 − p)), so 90, 99 and 99.9 are evenly spaced. */
const spread = (p: number) => Math.log10(100 / (100 - Math.min(p, 99.9)));

const escapeXml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/**
 * Rounds up to 1, 2 or 5 times a power of ten, for an axis maximum.
 *
 * @example
 * ```ts
 * niceCeiling(37); // 50
 * ```
 */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

/**
 * Renders the chart as a standalone SVG document.
 *
 * @example
 * ```ts
 * const svg = renderLatencyChart("Latency at 40 req/s", "2 cores · 2026-11-22", [
 *   { name: "(b) emulator direct", sortedMs: [1.2, 1.4, 3.9] },
 * ]);
 * ```
 */
export function renderLatencyChart(
  title: string,
  subtitle: string,
  series: readonly LatencySeries[],
): string {
  const plotted = series.map((line) => ({
    ...line,
    points: line.sortedMs.length === 0 ? [] : SAMPLED.map((p) => ({ p, ms: percentile(line.sortedMs, p) })),
  }));
  const top = niceCeiling(Math.max(0, ...plotted.flatMap((line) => line.points.map((point) => point.ms))));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const x = (p: number) => PLOT.left + (spread(p) / spread(99.9)) * plotWidth;
  const y = (ms: number) => PLOT.top + plotHeight - (Math.min(ms, top) / top) * plotHeight;
  const fixed = (n: number) => n.toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${PLOT.left}" y="24" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${PLOT.left}" y="42" fill="#555">${escapeXml(subtitle)}</text>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const ms = (top * i) / 5;
    parts.push(
      `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${fixed(y(ms))}" y2="${fixed(y(ms))}" stroke="#e5e5e5"/>`,
      `<text x="${PLOT.left - 6}" y="${fixed(y(ms) + 4)}" text-anchor="end">${Number(ms.toPrecision(3))}</text>`,
    );
  }
  for (const p of TICKS) {
    parts.push(
      `<line x1="${fixed(x(p))}" x2="${fixed(x(p))}" y1="${PLOT.top}" y2="${PLOT.top + plotHeight}" stroke="#e5e5e5"/>`,
      `<text x="${fixed(x(p))}" y="${PLOT.top + plotHeight + 18}" text-anchor="middle">p${p}</text>`,
    );
  }
  parts.push(
    `<text x="${PLOT.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle" fill="#555">percentile</text>`,
    `<text transform="translate(16 ${PLOT.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#555">latency (ms, from scheduled send)</text>`,
  );
  plotted.forEach((line, index) => {
    const color = COLORS[index % COLORS.length] ?? "#000";
    const legendY = PLOT.top + 8 + index * 18;
    const summary =
      line.points.length === 0
        ? "no data"
        : `p50 ${percentile(line.sortedMs, 50).toFixed(1)} · p99 ${percentile(line.sortedMs, 99).toFixed(1)} ms`;
    parts.push(
      `<rect x="${PLOT.left + 12}" y="${legendY - 9}" width="12" height="12" fill="${color}"/>`,
      `<text x="${PLOT.left + 30}" y="${legendY + 1}">${escapeXml(`${line.name} — ${summary}`)}</text>`,
    );
    if (line.points.length === 0) return;
    const path = line.points.map((point) => `${fixed(x(point.p))},${fixed(y(point.ms))}`).join(" ");
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${path}"/>`);
    for (const point of line.points.filter((candidate) => MARKED.has(candidate.p))) {
      parts.push(`<circle cx="${fixed(x(point.p))}" cy="${fixed(y(point.ms))}" r="3.5" fill="${color}"/>`);
    }
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

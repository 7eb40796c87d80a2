/** @module A Markdown table that also reads well as plain text (columns padded to equal width). */

/**
 * Renders a header and rows as a GitHub Markdown table; `|` inside cells is escaped and rows shorter
 * than the header are padded with empty cells.
 *
 * @example
 * ```ts
 * renderTable(["a", "bb"], [["1", "2"]]);
 * // "| a   | bb  |\n| --- | --- |\n| 1   | 2   |"
 * ```
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = (cell: string | undefined) => (cell ?? "").replaceAll("|", "\\|").replaceAll("\n", " ");
  const cells = [header, ...rows].map((row) => header.map((_, i) => clean(row[i])));
  // At least three wide, as Biome formats Markdown tables, so the output pastes into the README as is.
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => [...(row[i] ?? "")].length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => cell + " ".repeat((widths[i] ?? 0) - [...cell].length)).join(" | ")} |`;
  const [head = [], ...body] = cells;
  const rule = `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`;
  return [line(head), rule, ...body.map(line)].join("\n");
}

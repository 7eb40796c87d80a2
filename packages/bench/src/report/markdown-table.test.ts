import { describe, it } from "vitest";
import { renderTable } from "./markdown-table.ts";

describe("renderTable", () => {
  it("pads every column to its widest cell, and at least three (as Biome formats Markdown)", ({ expect }) => {
    expect(renderTable(["a", "bb"], [["1234", "2"]])).toBe(
      ["| a    | bb  |", "| ---- | --- |", "| 1234 | 2   |"].join("\n"),
    );
  });

  it("counts characters, not UTF-16 units, so µ and × line up", ({ expect }) => {
    const lines = renderTable(["v"], [["1 µs"], ["0.5×"]]).split("\n");
    expect(new Set(lines.map((line) => [...line].length)).size).toBe(1);
  });

  it("escapes pipes, flattens newlines and fills missing cells", ({ expect }) => {
    expect(renderTable(["x", "y"], [["a|b"], ["c\nd", "e"]])).toBe(
      ["| x    | y   |", "| ---- | --- |", "| a\\|b |     |", "| c d  | e   |"].join("\n"),
    );
  });

  it("renders a header-only table", ({ expect }) => {
    expect(renderTable(["only"], [])).toBe("| only |\n| ---- |");
    expect(renderTable(["§"], [["1"]])).toBe("| §   |\n| --- |\n| 1   |");
  });
});

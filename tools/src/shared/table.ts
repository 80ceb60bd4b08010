/** A plain-text table, the first column left-aligned and the others right-aligned. */
export function renderTable(title: string, rows: [string, string | number][]): string {
  const cells = rows.map(([k, v]) => [k, String(v)] as const);
  const w0 = Math.max(...cells.map(([k]) => k.length));
  const w1 = Math.max(...cells.map(([, v]) => v.length));
  const rule = `${"─".repeat(w0 + 2)}┼${"─".repeat(w1 + 2)}`;
  return [title, rule, ...cells.map(([k, v]) => ` ${k.padEnd(w0)} │ ${v.padStart(w1)}`), rule].join("\n");
}

/** Milliseconds as a short human figure. */
export const ms = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? "—"
    : x >= 10_000
      ? `${(x / 1000).toFixed(1)} s`
      : `${Math.round(x)} ms`;

const SMALLEST = 0.00001;
const cents = (n: number) => `$${n.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * A cost in USD as the console shows it: cents from a dollar up, four significant digits below (at least
 * cents), since a single call often costs a fraction of a cent and `$0.00` would say it cost nothing.
 */
export function usd(n: number): string {
  if (n === 0) return "$0";
  if (n < SMALLEST) return `<$${SMALLEST}`;
  if (n >= 1) return cents(n);
  const digits = n.toPrecision(4).replace(/0+$/, "");
  return `$${(digits.split(".")[1]?.length ?? 0) < 2 ? n.toFixed(2) : digits}`;
}

/** For a narrow column: cents, and `<$0.01` below a cent (the task's page has the figure). */
export function usdCents(n: number): string {
  if (n === 0) return "$0";
  return n < 0.01 ? "<$0.01" : cents(n);
}

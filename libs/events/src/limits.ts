/**
 * What a task may hold so that every copy of it can be stored: Postgres refuses a NUL character in `text`
 * and `jsonb`, a lone UTF-16 surrogate in `jsonb`, and a year 0 in `timestamptz`. An event the read model
 * cannot store would stall or poison its projection, so these are checked before anything is published.
 */
export const LIMITS = {
  /** How deep metadata may nest: `{"a":{"b":1}}` is 2 deep. */
  metadataDepth: 10,
  /** Metadata as JSON, in UTF-8 bytes. */
  metadataBytes: 16 * 1024,
  metadataKeyChars: 256,
  /** The earliest and latest date-time a task may carry (runAt, list filters). */
  earliestDate: Date.parse("1970-01-01T00:00:00Z"),
  latestDate: Date.parse("9999-12-31T23:59:59.999Z"),
  /** The configuration's default for MAX_PROMPT_CHARS, for code that is not given the configured value. */
  promptChars: 200_000,
  /** The configuration's default for CLAIM_CHECK_BYTES: a body past it goes to the object store. */
  claimCheckBytes: 256 * 1024,
} as const;

const utf8 = new TextEncoder();

/** Text Postgres stores as it was given: no NUL, no lone surrogate. */
export function isStorableText(s: string): boolean {
  return !s.includes("\u0000") && s.isWellFormed();
}

/** A date-time string whose instant lies in the range every store accepts. */
export function isStorableDate(iso: string): boolean {
  const t = Date.parse(iso);
  return t >= LIMITS.earliestDate && t <= LIMITS.latestDate;
}

/**
 * Why a metadata value cannot be stored, or null when it can. Walks the value with an explicit stack, never
 * by recursion, so a body nested thousands deep is refused instead of overflowing the call stack; it stops at
 * the first problem, before serialising anything.
 */
export function metadataProblem(metadata: unknown): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value: metadata, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value === "string") {
      if (!isStorableText(value)) return "a value holds a NUL character or a lone surrogate";
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= LIMITS.metadataDepth) return `nests deeper than ${LIMITS.metadataDepth} levels`;
    for (const [key, child] of Object.entries(value)) {
      if (key.length > LIMITS.metadataKeyChars) return `a key is longer than ${LIMITS.metadataKeyChars} characters`;
      if (!isStorableText(key)) return "a key holds a NUL character or a lone surrogate";
      stack.push({ value: child, depth: depth + 1 });
    }
  }
  const bytes = utf8.encode(JSON.stringify(metadata)).byteLength;
  if (bytes > LIMITS.metadataBytes) return `is ${bytes} bytes as JSON; the limit is ${LIMITS.metadataBytes}`;
  return null;
}

/**
 * The path of the first string (key or value) Postgres could not store in a value of any shape, or null. Walks
 * with an explicit stack, as `metadataProblem` does, so no nesting overflows the call stack.
 */
export function unstorableTextAt(value: unknown): (string | number)[] | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop() as { value: unknown; path: (string | number)[] };
    if (typeof v === "string") {
      if (!isStorableText(v)) return path;
    } else if (Array.isArray(v)) {
      for (const [i, child] of v.entries()) stack.push({ value: child, path: [...path, i] });
    } else if (v !== null && typeof v === "object") {
      for (const [key, child] of Object.entries(v)) {
        if (!isStorableText(key)) return path;
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return null;
}

/**
 * SQLSTATE classes of errors that say something about the data, not the moment: a data exception (22: a NUL
 * character, a date out of range), an integrity violation (23), a program limit (54: a value too large to
 * index). The same statement fails the same way every time, so retrying it is useless.
 */
const DATA_CLASSES = new Set(["22", "23", "54"]);

/**
 * Whether a database error will go away on its own (a dropped connection, a restart, a deadlock, a cancelled
 * statement): retry. Anything that is not known to be about the data counts as transient, so a bug or an
 * outage stalls and is seen in the logs rather than quietly discarding events.
 */
export function isTransientDbError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return !(typeof code === "string" && code.length === 5 && DATA_CLASSES.has(code.slice(0, 2)));
}

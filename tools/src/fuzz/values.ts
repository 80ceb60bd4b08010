import fc from "fast-check";

/** Strings a client should not be able to hurt the system with: NUL, lone surrogates, RTL, huge, templates. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string(), weight: 3 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 200 }), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      "",
      " ",
      "\u0000",
      "nul\u0000byte",
      "\ud800",
      "\udfff lone",
      "\uffff\ufffe",
      "\u202erlt-override",
      "😀".repeat(200),
      "{{parent.output}}",
      "{{parent.output}}".repeat(1100),
      "\\{{parent.output}}",
      "%00",
      "../../etc/passwd",
      "<script>alert(1)</script>",
      "' or 1=1 --",
      "$\u{7b}process.exit()}",
      "\r\n\r\nX-Injected: 1",
      "a".repeat(10_000),
    ),
    weight: 3,
  },
  { arbitrary: fc.string().map((s) => `${s}\u0000${s}`), weight: 1 },
  { arbitrary: fc.integer({ min: 60_000, max: 260_000 }).map((n) => "p".repeat(n)), weight: 1 },
);

/** Any JSON value in the wrong place: numbers at the edges, nulls, arrays, objects, hostile strings. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, null, true, false, [], {}),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
);

/** Date-times Postgres or JavaScript cannot hold, odd zones, not-quite-ISO forms, and ordinary ones. */
export const hostileDate: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "+275760-09-13T00:00:00.000Z",
    "-271821-04-20T00:00:00.000Z",
    "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:00:00+99:99",
    "2024-01-01T00:00:00+14:00",
    "2024-01-01T00:00:00",
    "2024-01-01",
    "1970-01-01T00:00:00Z",
    "2100-01-01T00:00:00Z",
    "2024-01-01T00:00:00.123456789Z",
    "now",
    "",
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .date({ min: new Date(), max: new Date(Date.now() + 10 * 60_000), noInvalidDate: true })
    .map((d) => d.toISOString()),
);

/** JSON text nested `depth` deep, built as text so that making it costs no stack. */
export const deepJson = (depth: number, open = '{"a":', close = "}") => `${open.repeat(depth)}1${close.repeat(depth)}`;

/** Percent-encodes the UTF-8 of `s` (a lone surrogate becomes U+FFFD, where encodeURIComponent throws). */
export const pctEncode = (s: string) =>
  [...Buffer.from(s)]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, "0")}`,
    )
    .join("");

/** Ids for `:id`: real tasks, random UUIDs, and everything a UUID is not (URL-encoded). */
export const idArb = (known: string[]) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...known), weight: 4 },
    { arbitrary: fc.uuid(), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        "00000000-0000-0000-0000-000000000000",
        "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
        "not-a-uuid",
        "%00",
        "%ZZ",
        "..",
        "%2e%2e%2f%2e%2e",
        "x".repeat(5000),
        "1;drop table tasks",
        "*",
        ">",
      ),
      weight: 2,
    },
    { arbitrary: hostileString.map((s) => pctEncode(s.slice(0, 500))), weight: 1 },
  );

/** `cursor` values: the repro, valid-looking ones with bad dates or ids, and junk. */
export const cursorArb = fc.oneof(
  fc.constant("eyJjIjoiMSIsImkiOiJ4In0"),
  fc
    .record({ c: fc.oneof(hostileDate, wrongValue), i: fc.oneof(fc.uuid(), hostileString, wrongValue) })
    .map((o) => Buffer.from(JSON.stringify(o)).toString("base64url")),
  fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? "null").toString("base64url")),
  fc.base64String({ maxLength: 300 }),
  hostileString.map((s) => s.slice(0, 400)),
);

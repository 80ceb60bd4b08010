/**
 * A value a JSON Schema accepts, made up the way a test fixture would be: an object's required properties
 * (only those) with sample values by type, an enum's or const's first value, an array of one item. It covers
 * what a tool's `inputSchema` or an `outputSchema` usually says; a schema it cannot read (`$ref`, a `not`)
 * gets its best guess, since the fake's answers only have to be plausible.
 */
export function sampleOf(schema: unknown, name = "value"): unknown {
  if (typeof schema !== "object" || schema === null) return null;
  const s = schema as Record<string, unknown>;
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0] ?? null;
  const variants = s.anyOf ?? s.oneOf;
  if (Array.isArray(variants)) return sampleOf(variants[0], name);
  if (Array.isArray(s.allOf)) return sampleOf(Object.assign({}, ...s.allOf), name);
  switch (typeOf(s)) {
    case "object": {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? (s.required as string[]) : [];
      return Object.fromEntries(required.map((key) => [key, sampleOf(properties[key], key)]));
    }
    case "array": {
      const min = typeof s.minItems === "number" ? s.minItems : 1;
      return Array.from({ length: Math.max(1, min) }, () => sampleOf(s.items, name));
    }
    case "string":
      return stringSample(s, name);
    case "integer":
      return Math.max(typeof s.minimum === "number" ? Math.ceil(s.minimum) : 1, 1);
    case "number":
      return typeof s.minimum === "number" ? s.minimum : 1.5;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return `sample ${name}`;
  }
}

/** The schema's type: its `type` (the first of a list), else what its keywords imply. */
function typeOf(s: Record<string, unknown>): unknown {
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type !== undefined) return type;
  if ("properties" in s) return "object";
  if ("items" in s) return "array";
  return undefined;
}

const FORMATS: Record<string, string> = {
  "date-time": "2026-01-01T00:00:00Z",
  date: "2026-01-01",
  email: "someone@example.com",
  uri: "https://example.com",
  uuid: "00000000-0000-4000-8000-000000000000",
};

function stringSample(s: Record<string, unknown>, name: string): string {
  const format = typeof s.format === "string" ? FORMATS[s.format] : undefined;
  if (format !== undefined) return format;
  const text = `sample ${name}`;
  const min = typeof s.minLength === "number" ? s.minLength : 0;
  const max = typeof s.maxLength === "number" ? s.maxLength : Number.POSITIVE_INFINITY;
  return text.padEnd(min, ".").slice(0, max);
}

/**
 * JSON a schema does not accept, for `[fake:invalid-output]`: a value of another type than the schema's (a
 * string, or a number when a string is asked for). A schema without a type accepts anything: nothing misses it.
 */
export function mismatchOf(schema: Record<string, unknown>): unknown {
  return typeOf(schema) === "string" ? 42 : "fake: not what the schema asks for";
}

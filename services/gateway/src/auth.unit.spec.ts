import { describe, expect, it } from "vitest";
import { bearerOf, requiredScope } from "./auth.ts";
import { generateKey, hashKey, keyIdOf, sameHash, TENANT_ID } from "./keys/record.ts";

describe("the scope a route needs", () => {
  it("is admin under /admin and for /metrics, tasks:read to read or for a WebSocket ticket, else tasks:write", () => {
    expect(requiredScope("GET", "/admin/keys")).toBe("admin");
    expect(requiredScope("GET", "/metrics")).toBe("admin");
    expect(requiredScope("DELETE", "/admin/keys/:id")).toBe("admin");
    expect(requiredScope("GET", "/admin/quarantine")).toBe("admin");
    expect(requiredScope("GET", "/tasks/:id/events")).toBe("tasks:read");
    expect(requiredScope("GET", "/stats")).toBe("tasks:read");
    expect(requiredScope("POST", "/ws-tickets")).toBe("tasks:read");
    expect(requiredScope("POST", "/tasks/:id/cancel")).toBe("tasks:write");
    expect(requiredScope("DELETE", "/cancel/:id")).toBe("tasks:write");
    expect(requiredScope("GET", "/administrators")).toBe("tasks:read");
  });
});

describe("keys", () => {
  it("are tj_<id>_<secret>, their id readable, their hash sha256", () => {
    const { id, key } = generateKey();
    expect(keyIdOf(key)).toBe(id);
    expect(hashKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(sameHash(hashKey(key), hashKey(key))).toBe(true);
    expect(sameHash(hashKey(key), hashKey(`${key}x`))).toBe(false);
    expect(generateKey().key).not.toBe(key);
  });

  it("that are malformed name no id", () => {
    for (const bad of [
      "",
      "tj_",
      "tj_abc_short",
      `sk_${"a".repeat(16)}_${"b".repeat(43)}`,
      `tj_UPPER_${"b".repeat(43)}`,
    ]) {
      expect(keyIdOf(bad), bad).toBeNull();
    }
  });

  it("are read from Authorization: Bearer only", () => {
    expect(bearerOf({ headers: { authorization: "Bearer tj_x" } })).toBe("tj_x");
    expect(bearerOf({ headers: { authorization: "bearer  tj_x" } })).toBe("tj_x");
    expect(bearerOf({ headers: { authorization: "Basic dXNlcjpwYXNz" } })).toBe("");
    expect(bearerOf({ headers: { authorization: "Bearer a b" } })).toBe("");
    expect(bearerOf({ headers: {} })).toBeUndefined();
  });
});

describe("tenant ids", () => {
  it("are 1–63 of a-z, 0-9 and '-', never subject or SQL syntax", () => {
    for (const ok of ["acme", "a", "acme-eu-1", "0x", "a".repeat(63)]) expect(TENANT_ID.test(ok), ok).toBe(true);
    for (const bad of ["", "-acme", "Acme", "a.b", "a*", "a>", "a b", "a'--", "a_b", "a".repeat(64)]) {
      expect(TENANT_ID.test(bad), bad).toBe(false);
    }
  });
});

import { describe, expect, it } from "vitest";
import { isTransientDbError } from "./db-errors.ts";

describe("isTransientDbError", () => {
  it.each([
    ["22P05", "a NUL character"],
    ["22008", "a date out of range"],
    ["22007", "an invalid date"],
    ["23505", "a unique violation"],
    ["54000", "a program limit"],
  ])("%s (%s) is about the data: not transient", (code) => {
    expect(isTransientDbError(Object.assign(new Error("x"), { code }))).toBe(false);
  });

  it.each([
    ["57014", "query cancelled"],
    ["57P01", "admin shutdown"],
    ["40P01", "deadlock"],
    ["40001", "serialization failure"],
    ["08006", "connection failure"],
    ["53300", "too many connections"],
    ["ECONNREFUSED", "no server"],
    [undefined, "Connection terminated unexpectedly"],
  ])("%s (%s) is transient", (code, message) => {
    expect(isTransientDbError(Object.assign(new Error(message), { code }))).toBe(true);
  });
});

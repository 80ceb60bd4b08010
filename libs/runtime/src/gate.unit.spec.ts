import { describe, expect, it } from "vitest";
import { gate } from "./gate.ts";

describe("gate", () => {
  it("runs at most `limit` calls at once, the rest in the order they came", async () => {
    const run = gate(2);
    let active = 0;
    let most = 0;
    const started: number[] = [];
    const ends: (() => void)[] = [];
    const calls = [0, 1, 2, 3, 4].map((i) =>
      run(async () => {
        started.push(i);
        most = Math.max(most, ++active);
        await new Promise<void>((resolve) => ends.push(resolve));
        active--;
        return i;
      }),
    );
    while (started.length < 5) {
      await new Promise((r) => setImmediate(r));
      ends.shift()?.();
    }
    for (const end of ends) end();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it("frees the slot of a call that throws", async () => {
    const run = gate(1);
    await expect(run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await run(async () => "next")).toBe("next");
  });
});

import { describe, expect, it } from "vitest";
import { fakeProvider } from "./fake.ts";
import type { BatchApi, BatchResultLine } from "./provider.ts";

const input = (prompt: string) => ({ prompt, system: null, model: "claude-test", maxTokens: 100, temperature: null });
const results = async (api: BatchApi, id: string) => {
  const out: BatchResultLine[] = [];
  for await (const line of api.results(id)) out.push(line);
  return out;
};
const ended = async (api: BatchApi, id: string) => {
  while (!(await api.retrieve(id)).ended) await new Promise((r) => setImmediate(r));
};

describe("the fake provider's batches", () => {
  it("answers every request as a call would be answered, markers included", async () => {
    const api = fakeProvider({ latencyMs: 0 }).batches as BatchApi;
    const { id } = await api.create([
      { customId: "a", input: input("hello") },
      { customId: "b", input: input("[fake:fail] no") },
      { customId: "c", input: input("[fake:overloaded=1] busy") },
    ]);
    await ended(api, id);
    const byId = Object.fromEntries((await results(api, id)).map((l) => [l.customId, l.outcome]));
    expect(byId.a).toMatchObject({
      kind: "succeeded",
      result: { output: "Fake reply to: hello", stopReason: "end_turn" },
    });
    expect(byId.b).toMatchObject({ kind: "errored", type: "invalid_request_error" });
    expect(byId.c).toMatchObject({ kind: "errored", type: "overloaded_error" });
  });

  it("a cancelled batch has ended, what was not answered canceled", async () => {
    const api = fakeProvider({ latencyMs: 0 }).batches as BatchApi;
    const { id } = await api.create([{ customId: "slow", input: input("[fake:slow=10000] story") }]);
    await api.cancel(id);
    expect(await api.retrieve(id)).toEqual({ id, ended: true });
    expect(await results(api, id)).toEqual([{ customId: "slow", outcome: { kind: "canceled" } }]);
  });

  it("a batch it does not know is a 404", async () => {
    const api = fakeProvider({ latencyMs: 0 }).batches as BatchApi;
    await expect(api.retrieve("msgbatch_unknown")).rejects.toMatchObject({ status: 404 });
  });
});

import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("has defaults that work on a dev machine", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      NATS_URL: "nats://127.0.0.1:4222",
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/taskjet",
      PORT: 8000,
      LLM_PROVIDER: "fake",
      TASKJET_NAMESPACE: "",
    });
  });

  it("picks anthropic when a key is set, unless told otherwise", () => {
    expect(loadConfig({ ANTHROPIC_API_KEY: "sk-x" }).LLM_PROVIDER).toBe("anthropic");
    expect(loadConfig({ ANTHROPIC_API_KEY: "sk-x", LLM_PROVIDER: "fake" }).LLM_PROVIDER).toBe("fake");
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "", ANTHROPIC_API_KEY: "" })).toMatchObject({ PORT: 8000, LLM_PROVIDER: "fake" });
  });

  it("coerces numbers", () => {
    expect(loadConfig({ PORT: "9001", EXECUTOR_CONCURRENCY: "2000" })).toMatchObject({
      PORT: 9001,
      EXECUTOR_CONCURRENCY: 2000,
    });
  });

  it("reads PRICE_TABLE as an override of the price table, absent by default", () => {
    expect(loadConfig({}).PRICE_TABLE).toBeUndefined();
    const c = loadConfig({ PRICE_TABLE: '{"models":{"claude-sonnet-4*":{"input":2,"output":10}}}' });
    expect(c.PRICE_TABLE).toEqual({ models: { "claude-sonnet-4*": { input: 2, output: 10 } } });
  });

  it.each([
    ["PRICE_TABLE", "{not json"],
    ["PRICE_TABLE", '{"models":{"m":{"input":-1,"output":1}}}'],
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["LLM_PROVIDER", "gpt"],
    ["DATABASE_URL", "not a url"],
    ["EXECUTOR_CONCURRENCY", "0"],
    ["LOG_LEVEL", "loud"],
  ])("refuses %s=%s, naming the variable", (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [key]: value })).toThrow(key);
  });
});

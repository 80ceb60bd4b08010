import { spawnSync } from "node:child_process";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactUrl, wantsPretty } from "./logger.ts";

const SECRET = "sk-ant-api03-very-secret-value";

/** A logger whose lines land in an array. */
function capture() {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger("test", { LOG_LEVEL: "trace" }, out), lines };
}

describe("createLogger", () => {
  it("given objects holding credentials, when logged, then every secret is redacted and the rest kept", () => {
    const { log, lines } = capture();
    log.info({ upstream: { headers: { authorization: `Bearer ${SECRET}`, accept: "application/json" } } }, "a");
    log.info({ headers: { authorization: SECRET } }, "b");
    log.info({ config: { ANTHROPIC_API_KEY: SECRET, OPENAI_API_KEY: SECRET, NATS_PASSWORD: SECRET, PORT: 8000 } }, "c");
    log.info({ apiKey: SECRET, key: SECRET, token: SECRET, password: SECRET, keyId: "k1" }, "d");
    log.warn({ err: { key: SECRET, ticket: SECRET } }, "e");
    const all = lines.join("");
    expect(all).not.toContain(SECRET);
    expect(all).toContain("application/json");
    expect(all).toContain('"keyId":"k1"');
    expect(all).toContain('"PORT":8000');
    expect(all.match(/\[Redacted\]/g)?.length).toBe(11);
  });

  it("a request is logged without its headers and with credentials in its query redacted", () => {
    const { log, lines } = capture();
    const req = { method: "GET", url: `/ws?ticket=${SECRET}&taskId=1`, headers: { authorization: SECRET } };
    log.info({ req }, "incoming request");
    expect(lines.join("")).not.toContain(SECRET);
    expect(JSON.parse(lines[0] ?? "{}").req).toEqual({ method: "GET", url: "/ws?ticket=[Redacted]&taskId=1" });
  });

  it("redacts a password in a URL", () => {
    expect(redactUrl("nats://user:pw@nats:4222")).toBe("nats://[Redacted]@nats:4222");
    expect(redactUrl("/tasks?limit=10")).toBe("/tasks?limit=10");
  });
});

describe("log format", () => {
  it("is pretty when asked, or on a terminal unless JSON is asked for; JSON otherwise", () => {
    expect(wantsPretty("pretty", false)).toBe(true);
    expect(wantsPretty("auto", true)).toBe(true);
    expect(wantsPretty(undefined, true)).toBe(true);
    expect(wantsPretty("json", true)).toBe(false);
    expect(wantsPretty("auto", false)).toBe(false);
  });

  it("pretty: one readable line per event, with its fields, and secrets still redacted", () => {
    const script = `import { createLogger } from ${JSON.stringify(new URL("./logger.ts", import.meta.url).pathname)};
      const log = createLogger("svc", { LOG_LEVEL: "info", LOG_FORMAT: "pretty" });
      log.info({ apiKey: ${JSON.stringify(SECRET)}, taskId: "t1" }, "task submitted");
      log.debug("not at info");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(() => JSON.parse(lines[0] as string)).toThrow();
    expect(lines[0]).toMatch(/INFO.*task submitted.*taskId.*t1/);
    expect(lines[0]).toContain("[Redacted]");
    expect(lines[0]).not.toContain(SECRET);
  });
});

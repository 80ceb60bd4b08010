import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactUrl } from "./logger.ts";

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

import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;
let port: number;

beforeAll(async () => {
  ctx = await createTestContext("gwslow", { HTTP_REQUEST_TIMEOUT_SECONDS: "1" });
  app = await buildApp({ ...ctx, now: () => new Date() });
  await app.listen({ host: "127.0.0.1", port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

/** A raw connection that records what the server sends and whether it has closed. */
function rawClient() {
  const socket = connect(port, "127.0.0.1");
  const seen = { text: "", closed: false };
  socket.on("data", (d) => {
    seen.text += d.toString();
  });
  socket.on("close", () => {
    seen.closed = true;
  });
  socket.on("error", () => undefined);
  return { socket, seen };
}

describe("slow and odd clients over a real socket", () => {
  it("closes a connection whose body trickles in past the request timeout (408)", async () => {
    const { socket, seen } = rawClient();
    socket.write("POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
    // Never idle, never done: a byte every 100 ms, as a slow-loris client sends them.
    const trickle = setInterval(() => socket.writable && socket.write(" "), 100);
    try {
      await waitFor(() => seen.closed, { timeoutMs: 15_000, what: "the server to close the trickling connection" });
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
    expect(seen.text).toMatch(/^HTTP\/1\.1 408 /);
  }, 20_000);

  it("refuses a tenant header given twice on the compat list (400, not 500)", async () => {
    const { socket, seen } = rawClient();
    socket.write(
      "GET /tasks/recent HTTP/1.1\r\nHost: x\r\nX-Tenant-Id: a\r\nX-Tenant-Id: b\r\nConnection: close\r\n\r\n",
    );
    await waitFor(() => seen.closed, { what: "the response" });
    expect(seen.text).toMatch(/^HTTP\/1\.1 400 /);
    expect(seen.text).toContain('"code":"invalid_tenant"');
  });
});

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { isPublicAddress, postWebhook, webhookUrlProblem } from "./webhook-http.ts";

describe("which addresses a webhook may reach", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fd00::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "64:ff9b::a00:1",
  ])("refuses %s", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])("lets %s through", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it("refuses a literal private URL unless its host is allowed", async () => {
    expect(await webhookUrlProblem("http://10.0.0.5/hook", [])).toMatch(/private/);
    expect(await webhookUrlProblem("http://[::1]:8080/hook", [])).toMatch(/private/);
    expect(await webhookUrlProblem("http://127.0.0.1:9/hook", ["127.0.0.1"])).toBeNull();
  });

  it("refuses a name that resolves to loopback, other schemes and credentials", async () => {
    expect(await webhookUrlProblem("http://localhost/hook", [])).toMatch(/resolves to/);
    expect(await webhookUrlProblem("ftp://93.184.215.14/", [])).toMatch(/http or https/);
    expect(await webhookUrlProblem("https://u:p@93.184.215.14/", [])).toMatch(/credentials/);
  });
});

describe("posting a webhook", () => {
  const serve = async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(202).end(`${"x".repeat(3000)}\u0000`));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, port: (server.address() as AddressInfo).port };
  };
  const post = (url: string, allowedHosts: string[]) =>
    postWebhook({ url, headers: { "webhook-id": "msg_1" }, body: "{}", timeoutMs: 2000, allowedHosts });

  it("connects through a name only to addresses it may reach, and keeps 1 KiB of the answer", async () => {
    const { server, port } = await serve();
    try {
      const refused = await post(`http://localhost:${port}/h`, []);
      expect(refused).toMatchObject({ refused: true, error: expect.stringMatching(/may not reach/) });
      const ok = await post(`http://localhost:${port}/h`, ["localhost"]);
      expect(ok).toMatchObject({ status: 202 });
      expect("excerpt" in ok && ok.excerpt).toBe("x".repeat(1024));
      expect(await post(`http://127.0.0.1:${port}/h`, [])).toMatchObject({ refused: true, latencyMs: 0 });
    } finally {
      server.close();
    }
  });

  it("gives up on an answer that does not come in time", async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const r = await postWebhook({
        url: `http://127.0.0.1:${port}/`,
        headers: {},
        body: "{}",
        timeoutMs: 100,
        allowedHosts: ["127.0.0.1"],
      });
      expect(r).toMatchObject({ error: "no answer within 100 ms" });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

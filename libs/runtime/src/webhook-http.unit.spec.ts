import { describe, expect, it } from "vitest";
import { isPublicAddress, webhookUrlProblem } from "./webhook-http.ts";

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

import { randomBytes } from "node:crypto";
import { namesFor } from "@taskjet/events";
import { connectNats, createLogger, loadConfig, type Nats } from "@taskjet/runtime";
import { natsServerBinary, startPrivateNats, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Authenticator, createAuthenticator, UNWATCHED_TRUST_MS } from "./keys/authenticator.ts";
import { keyIdOf } from "./keys/record.ts";
import { type KeyStore, openKeyStore } from "./keys/store.ts";

// A gateway checks keys against its copy of the keys bucket, kept current by a KV watch. A NATS restart loses
// the watch's consumer: the gateway must start a new watch (re-reading the bucket), and while it has none it
// must not trust its copy beyond a bound — else a key revoked meanwhile keeps working on it. Restarting a
// server needs one of this file's own: the shared one serves every other test file.
const bin = natsServerBinary();

describe.skipIf(bin === null)("the keys watch × a NATS server restart", () => {
  let nats: Awaited<ReturnType<typeof startPrivateNats>>;
  /** The gateway's connection (the authenticator's) and an admin's (another gateway, the CLI). */
  let gateway: Nats;
  let admin: Nats;
  let auth: Authenticator;
  let adminKeys: KeyStore;
  /** The gateway's clock: moved by the test to cross the bound without waiting for it. */
  let clock = Date.now();
  const now = () => new Date(clock);

  beforeAll(async () => {
    nats = await startPrivateNats(bin as string);
    const config = loadConfig({ ...process.env, NATS_URL: nats.url, LOG_LEVEL: "silent" });
    const log = createLogger("test-keys-watch", config);
    const names = namesFor(`t_keyswatch_${randomBytes(4).toString("hex")}`);
    gateway = await connectNats(config, log, "test-gateway");
    admin = await connectNats(config, log, "test-admin");
    const gatewayKeys = await openKeyStore(gateway.js, names, { STREAM_REPLICAS: 1 });
    adminKeys = await openKeyStore(admin.js, names, { STREAM_REPLICAS: 1 });
    auth = await createAuthenticator(gatewayKeys, { log, now, nc: gateway.nc });
  });
  afterAll(async () => {
    await auth?.close();
    await gateway?.nc.close();
    await admin?.nc.close();
    await nats?.close();
  });

  const refusal = async (key: string) => {
    const result = await auth.authenticate(key);
    return "refused" in result ? result.refused : "accepted";
  };

  it("fails closed while the watch is down, and refuses a key revoked after the restart within a second", async () => {
    const { key } = await adminKeys.create({ tenant: "acme", scopes: ["tasks:read"] }, now());
    await waitFor(async () => (await refusal(key)) === "accepted", { what: "the key accepted" });
    expect(auth.watching()).toBe(true);

    await nats.stop();
    await waitFor(() => !auth.watching(), { what: "the watch counted as down" });
    // Within the bound the cached record still answers; past it, the record must be read again, and it
    // cannot be: a 503 (an unavailable dependency), never the stale copy.
    expect(await refusal(key)).toBe("accepted");
    clock += UNWATCHED_TRUST_MS;
    await expect(auth.authenticate(key)).rejects.toMatchObject({ name: "DependencyUnavailableError" });

    await nats.start();
    await waitFor(() => auth.watching(), { what: "the watch back after the restart", timeoutMs: 15_000 });
    // The admin's connection may still be reconnecting: its revocation is retried until it is made.
    await waitFor(async () => (await adminKeys.revoke(keyIdOf(key) as string, now())) !== null, {
      what: "the key revoked",
    });
    // Delivered by the new watch: the old one, left to the client's own recovery, hears of it only after
    // its missed heartbeats (ten seconds and more).
    await waitFor(async () => (await refusal(key)) === "revoked", {
      what: "the revoked key refused",
      timeoutMs: 1000,
      intervalMs: 10,
    });
  });
});

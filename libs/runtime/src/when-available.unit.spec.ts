import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";
import { DependencyUnavailableError } from "./nats.ts";
import { isJetStreamAway, whenAvailable } from "./when-available.ts";

const log = createLogger("test", { LOG_LEVEL: "silent" });
const unreachable = () => new DependencyUnavailableError("cannot reach NATS at nats://127.0.0.1:4222");

describe("whenAvailable", () => {
  it("waits while the dependency is unreachable, then returns the step's result", async () => {
    let tries = 0;
    const result = await whenAvailable({ STARTUP_WAIT_SECONDS: 30 }, log, async () => {
      if (++tries < 3) throw unreachable();
      return "connected";
    });
    expect(result).toBe("connected");
    expect(tries).toBe(3);
  });

  it("gives up with the step's own error once the wait is over", async () => {
    let tries = 0;
    const step = async () => {
      tries++;
      throw unreachable();
    };
    await expect(whenAvailable({ STARTUP_WAIT_SECONDS: 0 }, log, step)).rejects.toThrow(/cannot reach NATS/);
    expect(tries).toBe(1);
  });

  it("does not wait out an error that is not about reaching a dependency", async () => {
    let tries = 0;
    const step = async () => {
      tries++;
      throw new Error("invalid configuration");
    };
    await expect(whenAvailable({ STARTUP_WAIT_SECONDS: 30 }, log, step)).rejects.toThrow("invalid configuration");
    expect(tries).toBe(1);
  });

  it("waits while JetStream is away for a moment (a request timed out, no responders, a leader being elected)", async () => {
    const away = [
      Object.assign(new Error("timeout"), { name: "TimeoutError" }),
      Object.assign(new Error("jetstream is not enabled"), { name: "JetStreamNotEnabled" }),
      new Error("no responders: '$JS.API.STREAM.CREATE.X'"),
    ];
    expect(away.map(isJetStreamAway)).toEqual([true, true, true]);
    expect(isJetStreamAway(new Error("stream name already in use with a different configuration"))).toBe(false);
    let tries = 0;
    const result = await whenAvailable({ STARTUP_WAIT_SECONDS: 30 }, log, async () => {
      const err = away[tries++];
      if (err) throw err;
      return "provisioned";
    });
    expect([result, tries]).toEqual(["provisioned", 4]);
  });
});

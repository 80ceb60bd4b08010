// Before any test file runs: make sure NATS and Postgres answer. With neither NATS_URL nor DATABASE_URL set
// and nothing listening on the default ports, a laptop with Docker gets throwaway containers (testcontainers);
// otherwise the run stops at once with the commands that start the servers, instead of every test timing out.
import { connect as tcpConnect } from "node:net";

const NATS_DEFAULT = "nats://127.0.0.1:4222";
const PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/taskjet_test";

function reachable(url: string, fallbackPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url.split(",")[0] ?? url);
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: hostname, port: Number(port) || fallbackPort, timeout: 1000 });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const natsUrl = process.env.NATS_URL ?? NATS_DEFAULT;
  const pgUrl = process.env.DATABASE_URL ?? PG_DEFAULT;
  const [natsUp, pgUp] = await Promise.all([reachable(natsUrl, 4222), reachable(pgUrl, 5432)]);
  if (natsUp && pgUp) return undefined;
  if (process.env.NATS_URL || process.env.DATABASE_URL) {
    throw new Error(`not reachable: ${natsUp ? "" : `NATS at ${natsUrl} `}${pgUp ? "" : `Postgres at ${pgUrl}`}`);
  }
  const { GenericContainer, Wait } = await import("testcontainers").catch(() => {
    throw new Error(
      "NATS (127.0.0.1:4222, with JetStream: `nats-server -js`) or Postgres (127.0.0.1:5432) is not running, " +
        "and testcontainers is unavailable; start them or set NATS_URL / DATABASE_URL",
    );
  });
  const started = await Promise.all([
    natsUp ? null : new GenericContainer("nats:2.10-alpine").withCommand(["-js"]).withExposedPorts(4222).start(),
    pgUp
      ? null
      : new GenericContainer("postgres:16-alpine")
          .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: "trust" })
          .withExposedPorts(5432)
          .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
          .start(),
  ]);
  const [nats, pg] = started;
  if (nats) process.env.NATS_URL = `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`;
  if (pg) process.env.DATABASE_URL = `postgres://postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/taskjet_test`;
  return async () => {
    await Promise.all(started.map((c) => c?.stop()));
  };
}

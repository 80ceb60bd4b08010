import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Names, Subjects } from "@taskjet/events";
import type { Db } from "@taskjet/read-model";
import type { Config } from "@taskjet/runtime";

/** Everything the routes use, passed in so tests build the app against their own namespace. */
export type GatewayDeps = {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  db: Db;
  names: Names;
  subjects: Subjects;
  config: Config;
  now: () => Date;
};

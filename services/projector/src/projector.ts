import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { type Names, subjectsFor } from "@taskjet/events";
import { consumeBatches, type Db, ensureConsumer, type Logger } from "@taskjet/runtime";
import { projectBatch } from "./project-batch.ts";

export type ProjectorDeps = {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  db: Db;
  names: Names;
  log: Logger;
  maxBatch: number;
  ackWaitMs: number;
};

export function projectorDurable(names: Names) {
  return `${names.consumerPrefix}projector`;
}

/** Folds every event into Postgres, then tells the gateways which tasks changed. */
export async function startProjector(deps: ProjectorDeps) {
  const { nc, js, jsm, db, names, log, maxBatch } = deps;
  const subjects = subjectsFor(names);
  const durable = projectorDurable(names);
  await ensureConsumer(
    jsm,
    names.stream,
    { durable, filterSubject: subjects.all, ackWaitMs: deps.ackWaitMs, maxAckPending: maxBatch * 4 },
    log,
  );
  const consumer = await js.consumers.get(names.stream, durable);
  return consumeBatches({
    consumer,
    maxBatch,
    log,
    async handle(batch) {
      const projected = await projectBatch(db, batch, log);
      for (const p of projected) {
        nc.publish(subjects.projected(p.taskId), JSON.stringify(p));
      }
      if (batch.length > 0) log.debug({ events: batch.length, versions: projected.length }, "projected");
    },
  });
}

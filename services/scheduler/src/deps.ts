import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { InputLimits, Names, Subjects } from "@taskjet/events";
import type { Bodies, Logger } from "@taskjet/runtime";
import type { SchedulerMetrics } from "./metrics.ts";
import type { WaitingChildren } from "./waiting-children.ts";

export type SchedulerDeps = {
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: Names;
  subjects: Subjects;
  waiting: WaitingChildren;
  log: Logger;
  now: () => Date;
  /** What a chained task's rendered input may come to (the prompt limit, the NATS server's max_payload). */
  limits: InputLimits;
  /** Where claim-checked bodies are, and the size past which a rendered child's input goes there too. */
  claimCheck: { bodies: Bodies; limitBytes: number };
  metrics: SchedulerMetrics;
};

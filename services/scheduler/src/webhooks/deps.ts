import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { Names, Subjects, WebhookRetryPolicy } from "@taskjet/events";
import type { Db } from "@taskjet/read-model";
import type { FollowedSubscriptions, Logger, WebhookStore } from "@taskjet/runtime";

/** What the webhook dispatcher and deliverer use, passed in so tests give their own namespace and clock. */
export type WebhookDeps = {
  js: JetStreamClient;
  jsm: JetStreamManager;
  db: Db;
  names: Names;
  subjects: Subjects;
  log: Logger;
  now: () => Date;
  store: WebhookStore;
  subscriptions: FollowedSubscriptions;
  policy: WebhookRetryPolicy;
  timeoutMs: number;
  allowedHosts: readonly string[];
  /** In [0, 1): the retry jitter. */
  random: () => number;
};

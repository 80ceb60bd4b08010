import type { Watched } from "../resources.ts";

/** One system under test, as the workloads drive it. Keys name tasks across submit and completion. */
export type Driver = {
  name: string;
  /** Its own processes (the servers are watched for every system). */
  watched: Watched[];
  /** Submits task `i` (Taskjet: with `extra` fields, e.g. `runAt`); resolves with its key once accepted. */
  submit(i: number, extra?: Record<string, unknown>): Promise<string>;
  /**
   * Submits tasks `from` … `from + count - 1` in one request (Taskjet: `POST /tasks/batch`; BullMQ: `addBulk`);
   * resolves with their keys once all are accepted. Absent where the system has no bulk submit.
   */
  submitBatch?(from: number, count: number): Promise<string[]>;
  /** When each of `keys` was completed (epoch ms), as durably recorded by the system. */
  completions(keys: string[], timeoutMs: number): Promise<Map<string, number>>;
  /** Peers: start and stop their worker around each run of theirs (idle pollers would load the others). */
  resume?(): Promise<void>;
  pause?(): Promise<void>;
  /** Taskjet only: when a GET first shows the task completed. */
  seenByGet?(key: string): Promise<number>;
  close(): Promise<void>;
};

export type DriverFactory = (o: { latencyMs: number; concurrency: number }) => Promise<Driver>;

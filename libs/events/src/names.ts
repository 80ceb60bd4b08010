/**
 * Every NATS and Postgres name a deployment uses, derived from one namespace so that tests and several
 * deployments can share a server without seeing each other. The empty namespace gives the contract names
 * (`TASKS`, `tasks.>`, …).
 */
export type Names = {
  namespace: string;
  stream: string;
  subjectRoot: string;
  outputStream: string;
  outputRoot: string;
  projectedRoot: string;
  /** Outbound webhook deliveries: a work-queue stream, one subject per target and task. */
  webhookStream: string;
  webhookRoot: string;
  kvPrefix: string;
  consumerPrefix: string;
  schema: string;
};

const NAMESPACE = /^[a-z][a-z0-9_]{0,39}$/;

export function namesFor(namespace: string): Names {
  if (namespace !== "" && !NAMESPACE.test(namespace)) {
    throw new Error(`namespace "${namespace}" must match ${NAMESPACE} (it names streams, subjects and a schema)`);
  }
  const dot = namespace ? `${namespace}.` : "";
  const under = namespace ? `${namespace}_` : "";
  return {
    namespace,
    stream: `${under.toUpperCase()}TASKS`,
    subjectRoot: `${dot}tasks`,
    outputStream: `${under.toUpperCase()}TASK_OUTPUT`,
    outputRoot: `${dot}output`,
    projectedRoot: `${dot}projected.tasks`,
    webhookStream: `${under.toUpperCase()}WEBHOOKS`,
    webhookRoot: `${dot}webhooks`,
    kvPrefix: `${under}taskjet`,
    consumerPrefix: under,
    schema: namespace || "taskjet",
  };
}

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { namesFor } from "@taskjet/events";
import { executorDurable } from "@taskjet/executor";
import { loadConfig } from "@taskjet/runtime";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { type K8sObject, unknownFields, validateObject } from "./schemas.ts";

const root = join(import.meta.dirname, "../..");
const k8sDir = join(root, "deploy/k8s");
const deployReadme = readFileSync(join(root, "deploy/README.md"), "utf8");

type Probe = { httpGet?: { path: string; port: string | number } };
type Container = {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
};
type PodSpec = { containers: Container[]; restartPolicy?: string };
type Workload = K8sObject & { spec: { replicas?: number; template: { spec: PodSpec } } };

const files = readdirSync(k8sDir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
const manifests: K8sObject[] = files.flatMap((f) =>
  parseAllDocuments(readFileSync(join(k8sDir, f), "utf8")).map((d) => d.toJSON() as K8sObject),
);
const kustomization = parseYaml(readFileSync(join(k8sDir, "kustomization.yaml"), "utf8")) as {
  resources: string[];
  secretGenerator?: unknown;
  generators?: unknown;
};
const find = <T = K8sObject>(kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name) as T | undefined;
const configMap = () => find<{ data: Record<string, string> }>("ConfigMap", "taskjet-config")?.data ?? {};
const deployments = () => manifests.filter((m) => m.kind === "Deployment") as Workload[];

/** The keys the README's `kubectl create secret generic taskjet-secrets` command makes. */
function secretKeysFromReadme(): string[] {
  const command = /kubectl -n taskjet create secret generic taskjet-secrets[^`]*?(?=\n```)/s.exec(deployReadme)?.[0];
  return [...(command ?? "").matchAll(/--from-literal=([A-Z_]+)=/g)].map((m) => m[1] ?? "");
}

/** Realistic values for the Secret's keys, as an operator would set them. */
const secretSample: Record<string, string> = {
  DATABASE_URL: "postgres://taskjet:s3cret@postgres.example.internal:5432/taskjet",
  NATS_PASSWORD: "0123456789abcdef0123456789abcdef0123456789abcdef",
  BOOTSTRAP_ADMIN_KEY: "tj_admin_0123456789abcdef0123456789abcdef0123456789abcdef",
  ANTHROPIC_API_KEY: "sk-ant-example",
};

describe("deploy/k8s: schemas", () => {
  it("every file in the kustomization exists and every manifest file is listed", () => {
    expect([...kustomization.resources].sort()).toEqual([...files].sort());
  });

  it.each(manifests.map((m) => [`${m.kind}/${m.metadata.name}`, m] as const))(
    "%s validates against its schema (kubernetes-models; KEDA's from @kubernetes-models/keda)",
    async (_name, m) => {
      await expect(validateObject(m)).resolves.toBeUndefined();
    },
  );

  // What kubeconform -strict adds: a misspelled or misplaced field is an error, not dropped by the API server.
  it("no object has a field its kind does not know, at any depth", () => {
    expect(Object.fromEntries(unknownFields(manifests))).toEqual({});
  }, 60_000);

  it("the unknown-field check does catch one (a misspelled probe, a stray trigger field)", () => {
    const gateway = structuredClone(find<Workload>("Deployment", "gateway")) as Workload;
    const container = gateway.spec.template.spec.containers[0] as unknown as Record<string, unknown>;
    container.readinesProbe = container.readinessProbe;
    const scaled = structuredClone(find("ScaledObject", "executor")) as K8sObject & {
      spec: { triggers: Record<string, unknown>[] };
    };
    (scaled.spec.triggers[0] as Record<string, unknown>).stream = "TASKS";
    const problems = unknownFields([gateway, scaled]);
    expect(problems.get("Deployment/gateway")?.join()).toMatch(/readinesProbe/);
    expect(problems.get("ScaledObject/executor")?.join()).toMatch(/stream/);
  }, 60_000);

  // kubectl renders the kustomization offline: what `kubectl apply -k` would send, checked as applied.
  it.skipIf(!hasCommand("kubectl", ["version", "--client"]))(
    "`kubectl kustomize deploy/k8s` renders every object of the files, and no Secret",
    () => {
      const out = execFileSync("kubectl", ["kustomize", k8sDir], { encoding: "utf8" });
      const rendered = parseAllDocuments(out).map((d) => d.toJSON() as K8sObject);
      const ids = (list: K8sObject[]) => list.map((m) => `${m.kind}/${m.metadata.name}`).sort();
      expect(ids(rendered)).toEqual(ids(manifests));
      expect(rendered.filter((m) => m.kind === "Secret")).toEqual([]);
    },
  );
});

describe("deploy/k8s: services", () => {
  it("every Deployment and the migration Job run a file that exists", () => {
    expect(
      deployments()
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(["executor", "gateway", "projector", "scheduler"]);
    for (const w of [...deployments(), find<Workload>("Job", "migrate")]) {
      const main = w?.spec.template.spec.containers[0]?.args?.[0] ?? "";
      expect(existsSync(join(root, main)), `${w?.metadata.name}: ${main}`).toBe(true);
    }
  });

  it("every Deployment has startup, readiness and liveness probes on a port it declares", () => {
    const metricsPort = Number(configMap().METRICS_PORT);
    expect(metricsPort).toBeGreaterThan(0);
    for (const d of deployments()) {
      for (const c of d.spec.template.spec.containers) {
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"] as const) {
          const get = c[probe]?.httpGet;
          expect(get, `${d.metadata.name} ${probe}`).toBeDefined();
          const port = c.ports?.find((p) => p.name === get?.port || p.containerPort === get?.port);
          expect(port, `${d.metadata.name} ${probe} port ${get?.port}`).toBeDefined();
          if (d.metadata.name === "gateway") {
            expect(port?.containerPort).toBe(loadConfig(configMap()).PORT);
          } else {
            // Scheduler, executor and projector: GET /metrics on METRICS_PORT.
            expect(get?.path).toBe("/metrics");
            expect(port?.containerPort).toBe(metricsPort);
          }
        }
      }
    }
    const gateway = find<Workload>("Deployment", "gateway")?.spec.template.spec.containers[0];
    expect(gateway?.readinessProbe?.httpGet?.path).toBe("/ready");
    expect(gateway?.livenessProbe?.httpGet?.path).toBe("/health");
  });

  it("a migration Job runs the migrate entry point with the services' settings", () => {
    const job = find<Workload>("Job", "migrate");
    expect(kustomization.resources).toContain("migrate.yaml");
    const c = job?.spec.template.spec.containers[0];
    expect(c?.args).toEqual(["libs/read-model/src/migrate-main.ts"]);
    expect(readFileSync(join(root, "libs/read-model/src/migrate-main.ts"), "utf8")).toMatch(/openReadModel\(/);
    expect(c?.image).toBe(find<Workload>("Deployment", "gateway")?.spec.template.spec.containers[0]?.image);
    expect(c?.envFrom).toEqual([
      { configMapRef: { name: "taskjet-config" } },
      { secretRef: { name: "taskjet-secrets" } },
    ]);
    expect(["OnFailure", "Never"]).toContain(job?.spec.template.spec.restartPolicy);
  });

  it("no Secret is applied by `kubectl apply -k`: the one the services read is made once, by a documented command", () => {
    expect(manifests.filter((m) => m.kind === "Secret")).toEqual([]);
    expect(kustomization.secretGenerator).toBeUndefined();
    expect(kustomization.generators).toBeUndefined();
    // Every key the manifests take from the Secret is one the README's command creates.
    const made = secretKeysFromReadme();
    expect(made).toEqual(expect.arrayContaining(["DATABASE_URL", "NATS_PASSWORD", "BOOTSTRAP_ADMIN_KEY"]));
    const workloads = manifests.filter((m) => ["Deployment", "StatefulSet", "Job"].includes(m.kind)) as Workload[];
    for (const w of workloads) {
      for (const c of w.spec.template.spec.containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) expect(made, `${w.metadata.name} ${e.name}`).toContain(ref.key);
          if (ref) expect(ref.name).toBe("taskjet-secrets");
        }
        for (const from of c.envFrom ?? []) if (from.secretRef) expect(from.secretRef.name).toBe("taskjet-secrets");
      }
    }
    // The ConfigMap with that Secret is a configuration the services accept.
    const env = { ...configMap(), ...Object.fromEntries(made.map((k) => [k, secretSample[k] ?? "x"])) };
    expect(() => loadConfig(env)).not.toThrow();
    expect(loadConfig(env).AUTH_MODE).toBe("required");
  });

  it("KEDA scales the executor on the lag of its own work consumer, and nothing else scales it", () => {
    const names = namesFor(configMap().TASKJET_NAMESPACE ?? "");
    const scaled = find<K8sObject & { spec: Record<string, unknown> }>("ScaledObject", "executor");
    const spec = scaled?.spec as {
      scaleTargetRef: { name: string; kind?: string };
      minReplicaCount: number;
      maxReplicaCount: number;
      triggers: { type: string; metadata: Record<string, string> }[];
    };
    expect(spec.scaleTargetRef.name).toBe("executor");
    expect(spec.scaleTargetRef.kind ?? "Deployment").toBe("Deployment");
    expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(spec.maxReplicaCount).toBeGreaterThan(spec.minReplicaCount);
    expect(spec.triggers).toHaveLength(1);
    const trigger = spec.triggers[0];
    expect(trigger?.type).toBe("nats-jetstream");
    expect(trigger?.metadata.stream).toBe(names.stream);
    expect(trigger?.metadata.consumer).toBe(executorDurable(names.consumerPrefix));
    expect(trigger?.metadata.account).toBe("$G"); // users in the config's authorization block live there
    expect(Number(trigger?.metadata.lagThreshold)).toBeGreaterThan(0);
    // The monitoring endpoint is the NATS headless Service's monitor port in this namespace.
    const natsService = find<{ spec: { clusterIP?: string; ports: { name: string; port: number }[] } }>(
      "Service",
      "nats",
    );
    expect(natsService?.spec.clusterIP).toBe("None");
    const monitor = natsService?.spec.ports.find((p) => p.name === "monitor")?.port;
    expect(trigger?.metadata.natsServerMonitoringEndpoint).toBe(`nats.taskjet.svc.cluster.local:${monitor}`);
    // No CPU HPA beside it (KEDA makes its own HPA) and no replica count for `apply` to reset.
    expect(manifests.filter((m) => m.kind === "HorizontalPodAutoscaler")).toEqual([]);
    expect(find<Workload>("Deployment", "executor")?.spec.replicas).toBeUndefined();
  });
});

describe("deploy/k8s: NATS", () => {
  const nats = () => find<Workload>("StatefulSet", "nats");
  const conf = () => find<{ data: Record<string, string> }>("ConfigMap", "nats-config")?.data["nats.conf"] ?? "";

  it("is a 3-node JetStream cluster, and the services make their streams R3", () => {
    expect(nats()?.spec.replicas).toBe(3);
    expect(conf()).toMatch(/jetstream\s*{/);
    const routes = /routes:\s*\[([^\]]*)\]/.exec(conf())?.[1] ?? "";
    expect(routes.match(/nats:\/\/nats-\d\.nats:6222/g)).toHaveLength(3);
    expect(configMap().NATS_URL?.split(",")).toHaveLength(3);
    expect(loadConfig(configMap()).STREAM_REPLICAS).toBe(3);
    const pdb = find<{ spec: { maxUnavailable?: number; selector: unknown } }>("PodDisruptionBudget", "nats");
    expect(pdb?.spec.maxUnavailable).toBe(1);
  });

  it("runs the NATS image compose pins (2.10.x, a full version)", () => {
    const compose = parseYaml(readFileSync(join(root, "docker-compose.yml"), "utf8")) as {
      services: Record<string, { image?: string }>;
    };
    const image = nats()?.spec.template.spec.containers[0]?.image;
    expect(image).toMatch(/^nats:2\.10\.\d+(-alpine)?$/);
    expect(compose.services.nats?.image).toBe(image);
  });

  it("needs a user whose password comes from the Secret the services read it from", () => {
    expect(conf()).toMatch(/authorization\s*{[^}]*user: taskjet, password: \$NATS_PASSWORD/s);
    const env = nats()?.spec.template.spec.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === "NATS_PASSWORD")?.valueFrom).toEqual({
      secretKeyRef: { name: "taskjet-secrets", key: "NATS_PASSWORD" },
    });
    expect(configMap().NATS_USER).toBe("taskjet");
    expect(secretKeysFromReadme()).toContain("NATS_PASSWORD");
    // The client port stays inside the cluster.
    for (const svc of manifests.filter((m) => m.kind === "Service")) {
      const spec = svc.spec as { type?: string; ports: { port: number }[] };
      if (spec.ports.some((p) => p.port === 4222)) expect(spec.type ?? "ClusterIP").toBe("ClusterIP");
    }
  });
});

type ComposeService = {
  image?: string;
  build?: string | { context: string; target?: string };
  command?: string[];
  ports?: string[];
  volumes?: string[];
  restart?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
};

describe("docker-compose.yml", () => {
  const compose = parseYaml(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const taskjet = ["gateway", "scheduler", "executor", "projector"];
  const service = (name: string) => compose.services[name] as ComposeService;
  const envOf = (name: string) =>
    Object.fromEntries(
      Object.entries(service(name).environment ?? {}).map(([k, v]) => [
        k,
        String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/, "$1"),
      ]),
    );

  /** The Dockerfile's `FROM … AS <target>` stages and the CMD each sets. */
  function dockerTargets(): Map<string, string[]> {
    const targets = new Map<string, string[]>();
    let current = "";
    for (const line of readFileSync(join(root, "Dockerfile"), "utf8").split("\n")) {
      const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
      if (from) current = from[1] ?? "";
      const cmd = /^CMD\s+(\[.*\])\s*$/.exec(line);
      if (cmd && current) targets.set(current, JSON.parse(cmd[1] ?? "[]") as string[]);
    }
    return targets;
  }

  it("builds every Taskjet service and the migration from a Dockerfile target whose command exists", () => {
    const targets = dockerTargets();
    for (const name of [...taskjet, "migrate"]) {
      const build = service(name).build;
      expect(build, name).toBeTypeOf("object");
      const target = (build as { target?: string }).target ?? "";
      const command = service(name).command ?? targets.get(target);
      expect(command, `${name}: target ${target}`).toBeDefined();
      expect(existsSync(join(root, command?.[0] ?? "")), `${name}: ${command?.[0]}`).toBe(true);
      if (name !== "migrate") expect(command?.[0]).toBe(`services/${name}/src/main.ts`);
    }
    expect(targets.get("migrate")).toEqual(["libs/read-model/src/migrate-main.ts"]);
  });

  it("has a healthcheck for every long-running service; the Taskjet ones ask /ready or /metrics", () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (name === "migrate") continue;
      expect(s.healthcheck?.test, name).toBeDefined();
    }
    const metricsPort = envOf("executor").METRICS_PORT;
    expect(Number(metricsPort)).toBeGreaterThan(0);
    expect(service("gateway").healthcheck?.test.join(" ")).toContain("http://127.0.0.1:8000/ready");
    for (const name of ["scheduler", "executor", "projector"]) {
      expect(envOf(name).METRICS_PORT, name).toBe(metricsPort);
      expect(service(name).healthcheck?.test.join(" ")).toContain(`http://127.0.0.1:${metricsPort}/metrics`);
    }
  });

  it("runs the migration once, first: every service waits for it to exit 0", () => {
    const migrate = service("migrate");
    expect(migrate.restart).toBe("no");
    expect(migrate.depends_on?.postgres?.condition).toBe("service_healthy");
    expect(envOf("migrate").DATABASE_URL).toBe(envOf("gateway").DATABASE_URL);
    for (const name of taskjet) {
      expect(service(name).depends_on?.migrate?.condition, name).toBe("service_completed_successfully");
    }
  });

  it("runs each service with settings the services accept", () => {
    for (const name of [...taskjet, "migrate"]) {
      expect(() => loadConfig(envOf(name)), name).not.toThrow();
      expect(loadConfig(envOf(name)).AUTH_MODE, name).toBe("required");
    }
  });

  it("runs NATS with a user and password and publishes no NATS port", () => {
    const nats = service("nats");
    expect(nats.ports ?? []).toEqual([]);
    expect(nats.command).toContain("--config");
    const mounted = nats.volumes?.find((v) => v.endsWith(":/etc/nats/nats.conf:ro"))?.split(":")[0] ?? "";
    expect(readFileSync(join(root, mounted), "utf8")).toMatch(/user: taskjet, password: \$NATS_PASSWORD/);
    for (const name of [...taskjet, "migrate"]) {
      expect(service(name).environment).toMatchObject({ NATS_USER: "taskjet" });
      expect(service(name).environment?.NATS_PASSWORD).toBe(nats.environment?.NATS_PASSWORD);
    }
  });

  // `docker compose config` (v2) or Debian's `docker-compose config` (v1.29) checks the file without a Docker
  // engine: interpolation, merge keys, depends_on conditions, healthchecks, build targets.
  const composeCli = composeCommand();
  it.skipIf(composeCli === null)(
    composeCli
      ? `passes \`${composeCli.join(" ")} config\``
      : "passes `docker compose config` — skipped: neither `docker compose` nor `docker-compose` is installed",
    () => {
      const [bin = "", ...args] = composeCli ?? [];
      expect(() => execFileSync(bin, [...args, "config", "-q"], { cwd: root, stdio: "pipe" })).not.toThrow();
    },
  );
});

/** `docker compose` where the v2 plugin is installed, else Debian's `docker-compose`, else null. */
function composeCommand(): string[] | null {
  if (hasCommand("docker", ["compose", "version"])) return ["docker", "compose"];
  if (hasCommand("docker-compose", ["version"])) return ["docker-compose"];
  return null;
}

function hasCommand(bin: string, args: string[]): boolean {
  try {
    execFileSync(bin, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@taskjet/runtime";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";

const root = join(import.meta.dirname, "../..");
const k8sDir = join(root, "deploy/k8s");

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: unknown };

const manifests: Manifest[] = readdirSync(k8sDir)
  .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
  .flatMap((f) => parseAllDocuments(readFileSync(join(k8sDir, f), "utf8")).map((d) => d.toJSON() as Manifest));

/** `apps/v1` + `Deployment` → the kubernetes-models class, whose validate() checks the official schema. */
async function modelFor(m: Manifest) {
  const group = m.apiVersion.includes("/") ? m.apiVersion : `v1`;
  const mod = await import(`kubernetes-models/${group}/${m.kind}`);
  return mod[m.kind] as new (
    data: unknown,
  ) => { validate(): void };
}

describe("deploy/k8s", () => {
  it("every file in the kustomization exists and every manifest file is listed", () => {
    const kustomization = parseYaml(readFileSync(join(k8sDir, "kustomization.yaml"), "utf8")) as {
      resources: string[];
    };
    const files = readdirSync(k8sDir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it.each(manifests.map((m) => [`${m.kind}/${m.metadata.name}`, m] as const))(
    "%s validates against the Kubernetes schema",
    async (_name, m) => {
      const Model = await modelFor(m);
      expect(() => new Model(m).validate()).not.toThrow();
    },
  );

  it("every Deployment runs a service that exists", () => {
    const deployments = manifests.filter((m) => m.kind === "Deployment");
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["executor", "gateway", "projector", "scheduler"]);
    for (const d of deployments) {
      const spec = d.spec as { template: { spec: { containers: { args: string[] }[] } } };
      const main = spec.template.spec.containers[0]?.args[0] ?? "";
      expect(existsSync(join(root, main)), main).toBe(true);
    }
  });

  it("the ConfigMap and Secret hold settings the services accept", () => {
    const data = (kind: string) =>
      manifests.find((m) => m.kind === kind) as { data?: Record<string, string>; stringData?: Record<string, string> };
    const env = { ...data("ConfigMap").data, ...data("Secret").stringData };
    expect(() => loadConfig(env)).not.toThrow();
    expect(loadConfig(env).STREAM_REPLICAS).toBe(3);
    expect(loadConfig(env).AUTH_MODE).toBe("required");
  });
});

describe("NATS needs credentials", () => {
  it("the k8s NATS config names a user whose password comes from the Secret the services read it from", () => {
    const config = manifests.find((m) => m.kind === "ConfigMap" && m.metadata.name === "nats-config") as {
      data?: Record<string, string>;
    };
    expect(config.data?.["nats.conf"]).toMatch(/authorization\s*{[^}]*user: taskjet, password: \$NATS_PASSWORD/s);
    const nats = manifests.find((m) => m.kind === "StatefulSet" && m.metadata.name === "nats") as {
      spec?: { template: { spec: { containers: { env: { name: string; valueFrom?: unknown }[] }[] } } };
    };
    const env = nats.spec?.template.spec.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === "NATS_PASSWORD")?.valueFrom).toEqual({
      secretKeyRef: { name: "taskjet-secrets", key: "NATS_PASSWORD" },
    });
    const data = (kind: string) =>
      manifests.find((m) => m.kind === kind) as { data?: Record<string, string>; stringData?: Record<string, string> };
    const services = loadConfig({ ...data("ConfigMap").data, ...data("Secret").stringData });
    expect(services.NATS_USER).toBe("taskjet");
    expect(services.NATS_PASSWORD).toBeDefined();
    // The client port stays inside the cluster.
    for (const svc of manifests.filter((m) => m.kind === "Service")) {
      const spec = svc.spec as { type?: string; ports: { port: number }[] };
      if (spec.ports.some((p) => p.port === 4222)) expect(spec.type ?? "ClusterIP").toBe("ClusterIP");
    }
  });

  it("docker-compose runs NATS with a user and password and publishes no NATS port", () => {
    const compose = parseYaml(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true }) as {
      services: Record<
        string,
        { command?: string[]; ports?: string[]; volumes?: string[]; environment?: Record<string, string> }
      >;
    };
    const nats = compose.services.nats;
    expect(nats?.ports ?? []).toEqual([]);
    expect(nats?.command).toContain("--config");
    const mounted = nats?.volumes?.find((v) => v.endsWith(":/etc/nats/nats.conf:ro"))?.split(":")[0] ?? "";
    expect(readFileSync(join(root, mounted), "utf8")).toMatch(/user: taskjet, password: \$NATS_PASSWORD/);
    for (const name of ["gateway", "scheduler", "executor", "projector"]) {
      expect(compose.services[name]?.environment).toMatchObject({ NATS_USER: "taskjet" });
      expect(compose.services[name]?.environment?.NATS_PASSWORD).toBe(nats?.environment?.NATS_PASSWORD);
    }
  });
});

describe("docker-compose.yml", () => {
  const compose = parseYaml(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
  };

  it("runs each service from a file that exists, with settings the services accept", () => {
    for (const name of ["gateway", "scheduler", "executor", "projector"]) {
      const service = compose.services[name];
      expect(existsSync(join(root, service?.command?.[0] ?? "")), name).toBe(true);
      const env = Object.fromEntries(
        Object.entries(service?.environment ?? {}).map(([k, v]) => [
          k,
          String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/, "$1"),
        ]),
      );
      expect(() => loadConfig(env)).not.toThrow();
      expect(loadConfig(env).AUTH_MODE, name).toBe("required");
    }
  });

  // docker-compose (v1, Debian's package) checks the file without a Docker engine; skipped where it is not installed.
  it.skipIf(!hasDockerCompose())("passes `docker-compose config`", () => {
    expect(() => execFileSync("docker-compose", ["config", "-q"], { cwd: root, stdio: "pipe" })).not.toThrow();
  });
});

function hasDockerCompose(): boolean {
  try {
    execFileSync("docker-compose", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

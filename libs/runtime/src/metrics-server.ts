import { createServer } from "node:http";
import type { Registry } from "prom-client";
import type { Logger } from "./logger.ts";

/**
 * Serves a service's Prometheus registry at `/metrics` on `port` (METRICS_PORT), and nothing else: the
 * executor, scheduler and projector have no HTTP API of their own, so this small server is their scrape target
 * (and, answering, their liveness probe).
 */
export async function serveMetrics(registry: Registry, port: number, host: string, log: Logger) {
  const server = createServer((req, res) => {
    if (req.url?.split("?")[0] !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (err: unknown) => {
        log.warn({ err }, "metrics not rendered");
        res.writeHead(500).end();
      },
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    // Figures are worth less than the work: a port taken (a second `npm start` on one machine) costs the
    // /metrics of this process, said loudly, not the service.
    log.error({ err, port }, "cannot serve /metrics; running without it");
    return { close: async () => undefined };
  }
  log.info({ port }, "metrics at /metrics");
  return {
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

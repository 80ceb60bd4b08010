import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";

const REPO = join(import.meta.dirname, "../../..");

/** Where the built console is: `CONSOLE_DIR` (from the repo when relative), else the repo's `web/dist`. */
export const consoleDir = (configured: string) => resolve(REPO, configured || "web/dist");

/** Vite's content-hashed output: a name never changes meaning, so browsers keep it for a year. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * API routes a browser may also open as a console page (a link to a task, the list): the same path answers
 * JSON to API clients and the console to a navigation that asks for HTML.
 */
const PAGES_OVER_API = new Set(["/tasks", "/tasks/:id", "/schedules", "/webhooks", "/webhooks/:id"]);

/** The first path segment, e.g. `tasks` for `/tasks/:id/events`; `""` for `/`. */
const firstSegment = (url: string) => url.split(/[/?]/, 2)[1] ?? "";

/** An `Accept` value → media type → q, ignoring parameters other than q. */
function acceptQualities(accept: string): Map<string, number> {
  const q = new Map<string, number>();
  for (const part of accept.toLowerCase().split(",")) {
    const [type = "", ...params] = part.split(";").map((s) => s.trim());
    const weight = params.find((p) => p.startsWith("q="));
    q.set(type, weight ? Number(weight.slice(2)) || 0 : 1);
  }
  return q;
}

/**
 * Whether a request is a browser opening a page: it names `text/html` and prefers it to JSON. API clients
 * (curl's `*\/*`, fetch's default, `application/json`) never are, so they keep JSON answers and JSON 404s.
 */
export function wantsPage(req: Pick<FastifyRequest, "method" | "headers">): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const q = acceptQualities(req.headers.accept ?? "");
  const html = q.get("text/html") ?? 0;
  return html > 0 && html > (q.get("application/json") ?? 0);
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Taskjet — console not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The console is not built yet</h1>
<p>The API is up: see <a href="/docs">/docs</a>. To serve the console here, build it and reload this page:</p>
<pre>npm run build -w web</pre>
<p>(<code>npm start</code> builds it for you when it is missing or older than its source.)</p>
</body></html>
`;

/**
 * The console at `/`: the files of its build, `index.html` for any page the browser opens (the console routes
 * itself), and never in the way of the API. Call before any other route is registered: it learns the API's
 * path segments as they are added, and a GET under one of them that matches no route stays a JSON 404.
 */
export async function registerConsole(app: FastifyInstance, configuredDir: string) {
  const root = consoleDir(configuredDir);
  const apiSegments = new Set<string>();
  app.addHook("onRoute", (route) => {
    const segment = firstSegment(route.url);
    if (segment !== "" && segment !== "*") apiSegments.add(segment);
  });

  await app.register(fastifyStatic, {
    root,
    serve: false,
    suppressWarning: true, // absent until built: each page request checks
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header("cache-control", path.startsWith(join(root, "assets/")) ? IMMUTABLE : "no-cache");
    },
  });

  const sendIndex = (reply: FastifyReply) => {
    reply.header("vary", "accept");
    if (existsSync(join(root, "index.html"))) return reply.sendFile("index.html");
    return reply.status(200).header("cache-control", "no-cache").type("text/html; charset=utf-8").send(NOT_BUILT);
  };

  // A navigation to a console page that is also an API path gets the console; everything else goes on as before.
  app.addHook("onRequest", async (req, reply) => {
    const url = req.routeOptions.url;
    if (url === undefined || !PAGES_OVER_API.has(url)) return;
    reply.header("vary", "accept");
    if (wantsPage(req)) return sendIndex(reply);
  });

  const params = z.object({ "*": z.string() });
  app.withTypeProvider<ZodTypeProvider>().get("/*", { schema: { hide: true, params } }, (req, reply) => {
    const path = req.params["*"];
    if (apiSegments.has(firstSegment(req.url))) return reply.callNotFound();
    if (path === "" || path === "index.html") return sendIndex(reply);
    // A page the console routes itself (`/overview`, `/tasks/<id>/…` is the API's): no file extension.
    if (wantsPage(req) && !/\.[A-Za-z0-9]+$/.test(path)) return sendIndex(reply);
    return reply.sendFile(path); // a missing file calls the not-found handler: the JSON 404
  });
}

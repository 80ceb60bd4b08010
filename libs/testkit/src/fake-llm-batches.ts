import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Reply, SeenRequest, WireMessage } from "./fake-llm-types.ts";
import { anthropicMessageOf } from "./fake-llm-wire.ts";

type Result =
  | { type: "succeeded"; message: unknown }
  | { type: "errored"; error: { type: "error"; error: { type: string; message: string }; request_id: null } }
  | { type: "canceled" }
  | { type: "expired" };

/** One batch the fake was sent: its requests as seen (each scripted by the same `reply` as a call), its state. */
export type FakeBatch = {
  id: string;
  /** Each request's `custom_id`, in order, and the request itself. */
  customIds: string[];
  requests: SeenRequest[];
  createdAt: string;
  status: "in_progress" | "ended";
  /** When it was cancelled through the API (`POST …/cancel`), if it was. */
  cancelledAt: string | null;
  results: Map<string, Result>;
  /** The replies decided at creation, answered when the batch ends. */
  replies: Reply[];
  /** How many times its results were read (`GET …/results`): once when a single poller settles it. */
  resultReads: number;
};

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Anthropic's Message Batches on the fake server: `POST /v1/messages/batches`, `GET /v1/messages/batches/:id`,
 * `GET …/:id/results` (JSONL), `POST …/:id/cancel`. Each request is decided by the server's `reply` as a call
 * would be (a `message` succeeds, an `error` is an errored result). Batches end at once, or — `hold` — only when
 * the test ends (or expires) them, so it can cancel one still in progress.
 */
export function fakeBatchApi(opts: {
  reply: (req: SeenRequest) => Reply;
  baseUrl: () => string;
  hold: () => boolean;
  now: () => number;
  lastUserTurn: (messages: WireMessage[]) => string;
}) {
  const batches: FakeBatch[] = [];
  const byId = new Map<string, FakeBatch>();
  const iso = () => new Date(opts.now()).toISOString();

  const resultOf = (seen: SeenRequest, r: Reply): Result => {
    if (r.kind === "message") return { type: "succeeded", message: anthropicMessageOf(seen, r) };
    const error = r.kind === "error" ? { type: r.type, message: r.message } : { type: "api_error", message: "failed" };
    seen.status = r.kind === "error" ? r.status : 500;
    return { type: "errored", error: { type: "error", error, request_id: null } };
  };
  const end = (b: FakeBatch, fate?: "expired" | "canceled") => {
    if (b.status === "ended") return;
    b.customIds.forEach((id, i) => {
      const seen = b.requests[i] as SeenRequest;
      b.results.set(id, fate ? { type: fate } : resultOf(seen, b.replies[i] as Reply));
    });
    b.status = "ended";
  };
  const view = (b: FakeBatch) => {
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    if (b.status !== "ended") counts.processing = b.customIds.length;
    for (const r of b.results.values()) counts[r.type]++;
    return {
      id: b.id,
      type: "message_batch",
      processing_status: b.status,
      request_counts: counts,
      created_at: b.createdAt,
      expires_at: new Date(Date.parse(b.createdAt) + 24 * 3600 * 1000).toISOString(),
      ended_at: b.status === "ended" ? iso() : null,
      cancel_initiated_at: b.cancelledAt,
      archived_at: null,
      results_url: b.status === "ended" ? `${opts.baseUrl()}/v1/messages/batches/${b.id}/results` : null,
    };
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "request-id": `req_${randomUUID()}` });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse, what: string) =>
    json(res, 404, { type: "error", error: { type: "not_found_error", message: `${what} not found` } });

  function create(req: IncomingMessage, raw: string, res: ServerResponse) {
    const body = JSON.parse(raw) as { requests?: { custom_id: string; params: SeenRequest["body"] }[] };
    const requests = body.requests ?? [];
    const ids = requests.map((r) => r.custom_id);
    if (requests.length === 0 || ids.some((id) => !CUSTOM_ID.test(id)) || new Set(ids).size !== ids.length) {
      const message = "requests: 1 or more, each custom_id unique and matching ^[a-zA-Z0-9_-]{1,64}$";
      return json(res, 400, { type: "error", error: { type: "invalid_request_error", message } });
    }
    const seen = requests.map(
      (r): SeenRequest => ({
        api: "anthropic",
        body: r.params,
        headers: req.headers,
        prompt: opts.lastUserTurn(r.params.messages),
        closedByClient: false,
        closedAt: null,
        piecesSent: 0,
        at: opts.now(),
        status: 0,
        inputTokens: 0,
        outputTokens: 0,
        limitedBy: null,
      }),
    );
    const b: FakeBatch = {
      id: `msgbatch_${randomUUID().replaceAll("-", "").slice(0, 24)}`,
      customIds: ids,
      requests: seen,
      createdAt: iso(),
      status: "in_progress",
      cancelledAt: null,
      results: new Map(),
      replies: seen.map((s) => opts.reply(s)),
      resultReads: 0,
    };
    batches.push(b);
    byId.set(b.id, b);
    if (!opts.hold()) end(b);
    json(res, 200, view(b));
  }

  /** Answers a batches route; false for any other request. */
  function handle(req: IncomingMessage, raw: string, res: ServerResponse): boolean {
    const path = req.url?.split("?")[0] ?? "";
    const m = /^\/v1\/messages\/batches(?:\/([^/]+)(\/results|\/cancel)?)?$/.exec(path);
    if (m === null) return false;
    const [, id, action] = m;
    if (id === undefined) {
      if (req.method !== "POST") return false;
      create(req, raw, res);
      return true;
    }
    const b = byId.get(id);
    if (b === undefined) {
      notFound(res, `message batch ${id}`);
      return true;
    }
    if (action === undefined && req.method === "GET") json(res, 200, view(b));
    else if (action === "/cancel" && req.method === "POST") {
      b.cancelledAt ??= iso();
      end(b, "canceled");
      json(res, 200, view(b));
    } else if (action === "/results" && req.method === "GET") {
      if (b.status !== "ended") {
        const message = `message batch ${id} has not ended`;
        json(res, 400, { type: "error", error: { type: "invalid_request_error", message } });
        return true;
      }
      b.resultReads++;
      res.writeHead(200, { "content-type": "application/x-jsonl" });
      res.end([...b.results].map(([custom_id, result]) => JSON.stringify({ custom_id, result })).join("\n"));
    } else return false;
    return true;
  }

  return {
    handle,
    /** Every batch created, oldest first: what a test counts (creates, requests in each, cancels). */
    batches,
    /** Ends a held batch (every held one without an id): each request gets its scripted result. */
    end(id?: string) {
      for (const b of id === undefined ? batches : [byId.get(id)].filter((x) => x !== undefined)) end(b);
    },
    /** A held batch reaches its deadline: every request still pending is `expired`. */
    expire(id: string) {
      const b = byId.get(id);
      if (b) end(b, "expired");
    },
  };
}

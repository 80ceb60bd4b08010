import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

/**
 * Addresses a webhook must not reach unless its host is allowed (SSRF): this machine, private networks, link-local
 * (cloud metadata at 169.254.169.254), CGNAT, unique-local IPv6, unspecified, multicast and reserved ranges.
 */
const BLOCKED = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  BLOCKED.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  BLOCKED.addSubnet(net, bits, "ipv6");
}

/** Whether an IP address is one a webhook may reach without an allow-list entry. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !BLOCKED.check(address, "ipv4");
  if (family !== 6) return false;
  // IPv4 written as IPv6 (::ffff:10.0.0.1, and NAT64's 64:ff9b::a00:1) is judged as the IPv4 address it is.
  const lower = address.toLowerCase();
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower)?.[1];
  if (mapped !== undefined) return isPublicAddress(mapped);
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const n = (Number.parseInt(hex[1] ?? "0", 16) << 16) | Number.parseInt(hex[2] ?? "0", 16);
    return isPublicAddress([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join("."));
  }
  return !BLOCKED.check(address, "ipv6");
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();

export class WebhookUrlRefused extends Error {
  override name = "WebhookUrlRefused";
}

/** Resolves a host name to every address it has (what a connection could use). */
const resolveAll = (host: string) =>
  new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/**
 * Why a webhook URL is refused, or null when it is not: http(s) only, and its host must resolve to public
 * addresses only — unless it is in `allowedHosts` (WEBHOOK_ALLOWED_HOSTS). Checked when a URL is given, and
 * again on every delivery, on the address actually connected to (DNS may have changed in between).
 */
export async function webhookUrlProblem(text: string, allowedHosts: readonly string[]): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must be http or https";
  if (url.username !== "" || url.password !== "") return "must not carry credentials";
  const host = hostOf(url);
  if (allowedHosts.includes(host)) return null;
  if (isIP(host) !== 0) return isPublicAddress(host) ? null : `${host} is a private, loopback or reserved address`;
  try {
    const bad = (await resolveAll(host)).find((a) => !isPublicAddress(a.address));
    return bad === undefined ? null : `${host} resolves to ${bad.address}, a private, loopback or reserved address`;
  } catch (err) {
    return `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? "error"})`;
  }
}

/** A DNS lookup for connections that fails when the host resolves to an address it may not reach. */
function guardedLookup(allowedHosts: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 4);
      const allowed = allowedHosts.includes(hostname.toLowerCase());
      const bad = allowed ? undefined : addresses.find((a) => !isPublicAddress(a.address));
      if (bad !== undefined) {
        const refused = new WebhookUrlRefused(`${hostname} resolves to ${bad.address}, which webhooks may not reach`);
        return callback(refused as NodeJS.ErrnoException, "", 4);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (first === undefined) return callback(new Error(`${hostname} has no address`), "", 4);
      return callback(null, first.address, first.family);
    });
  };
}

export type WebhookResponse =
  | { status: number; latencyMs: number; excerpt: string }
  | { error: string; latencyMs: number; refused?: true };

const EXCERPT_BYTES = 1024;

/**
 * POSTs one webhook: JSON body, the given headers, at most `timeoutMs` for the whole exchange; connects only to
 * addresses `webhookUrlProblem` allows (IP literals checked here, names at connect time). Reads at most 1 KiB of
 * the answer (the excerpt kept with the attempt) and never follows redirects. Never throws: an answer or an error.
 */
export async function postWebhook(req: {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowedHosts: readonly string[];
  now?: () => number;
}): Promise<WebhookResponse> {
  const now = req.now ?? (() => performance.now());
  const started = now();
  const took = () => Math.round(now() - started);
  const url = new URL(req.url);
  const host = hostOf(url);
  if (isIP(host) !== 0 && !isPublicAddress(host) && !req.allowedHosts.includes(host)) {
    return { error: `${host} is a private, loopback or reserved address`, latencyMs: 0, refused: true };
  }
  const client = url.protocol === "https:" ? https : http;
  return new Promise<WebhookResponse>((resolve) => {
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Taskjet-Webhooks/1", ...req.headers },
        lookup: guardedLookup(req.allowedHosts),
        signal: AbortSignal.timeout(req.timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          // Stored as text: no NUL, no lone surrogate (a cut multi-byte character decodes as U+FFFD).
          const excerpt = Buffer.concat(chunks)
            .subarray(0, EXCERPT_BYTES)
            .toString("utf8")
            .replaceAll("\u0000", "")
            .toWellFormed();
          resolve({ status: res.statusCode ?? 0, latencyMs: took(), excerpt });
        };
        res.on("data", (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
          if (size >= EXCERPT_BYTES) {
            finish();
            res.destroy();
          }
        });
        res.on("end", finish);
        res.on("error", finish);
      },
    );
    request.on("error", (err: Error) => {
      const refused = err instanceof WebhookUrlRefused || err.cause instanceof WebhookUrlRefused;
      const message =
        err.name === "AbortError" || err.name === "TimeoutError" ? `no answer within ${req.timeoutMs} ms` : err.message;
      resolve({ error: message, latencyMs: took(), ...(refused ? { refused: true as const } : {}) });
    });
    request.end(req.body);
  });
}

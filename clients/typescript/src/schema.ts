// Generated from the gateway's /openapi.json by `npm run gen:api`: do not edit by hand.
export interface paths {
  "/admin/keys": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List API keys
     * @description Every key, revoked and expired ones too, oldest first; never the key or its hash.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              keys: components["schemas"]["ApiKey"][];
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    /**
     * Create an API key
     * @description The answer carries `key`, the only time it is shown: the gateway keeps only its hash.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            /** Format: date-time */
            expiresAt?: string;
            limits?: {
              requestsPerSecond?: number;
              tasksInFlight?: number;
            };
            name?: string;
            scopes: ("tasks:read" | "tasks:write" | "admin")[];
            tenant: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["CreatedApiKey"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/admin/keys/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Revoke an API key
     * @description Every gateway refuses it within a second. Revoking a revoked key changes nothing.
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["ApiKey"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/admin/quarantine": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Events the read model could not apply
     * @description Each event the projector quarantined instead of applying — undecodable, for a task with no creating event, or refused by Postgres — oldest first, with its stream sequence and the error.
     */
    get: {
      parameters: {
        query?: {
          /** @description the last `seq` of the previous page */
          afterSeq?: number;
          limit?: number;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              events: components["schemas"]["QuarantinedEvent"][];
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/admin/tenants/{tenant}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A tenant's flow settings and spend
     * @description Its weight in a lane's fair share, its cap on concurrent calls per lane, its spend limits in tokens and in USD per UTC day and month (the defaults when never set), and what it has spent this day and month in both.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          tenant: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["TenantSettings"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    /**
     * Set a tenant's flow settings
     * @description Replaces them whole (fields left out take their defaults). Every gateway and executor sees the change within a second: raising a spend limit lets submits through again and releases held work.
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          tenant: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            /** @default null */
            maxConcurrent?: number | null;
            /**
             * @default {
             *       "dailyTokens": null,
             *       "monthlyTokens": null,
             *       "dailyUsd": null,
             *       "monthlyUsd": null
             *     }
             */
            spendLimit?: {
              /** @default null */
              dailyTokens?: number | null;
              /** @default null */
              dailyUsd?: number | null;
              /** @default null */
              monthlyTokens?: number | null;
              /** @default null */
              monthlyUsd?: number | null;
            };
            /** @default 1 */
            weight?: number;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["TenantSettings"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/cancel/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /** Cancel (Celery-compatible) */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              message: string;
              /** @enum {string} */
              status: "PENDING" | "PROCESSING" | "SUCCESS" | "FAILURE" | "REVOKED";
              task_id: string;
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/health": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              checks?: {
                [key: string]: string;
              };
              /** @enum {string} */
              status: "ok" | "unavailable";
            };
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/ready": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness: NATS and Postgres answer, and the read model's tables are there */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              checks?: {
                [key: string]: string;
              };
              /** @enum {string} */
              status: "ok" | "unavailable";
            };
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              checks?: {
                [key: string]: string;
              };
              /** @enum {string} */
              status: "ok" | "unavailable";
            };
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/schedules": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List schedules
     * @description The caller's schedules, oldest first, each with its next runs and its last firing.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              schedules: components["schemas"]["Schedule"][];
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    /**
     * Create a schedule
     * @description Submits `task` at every tick of `cron` in `timezone`, once per tick however many schedulers run. Each firing is a task with `scheduleId` set (GET /tasks?scheduleId=). With an `Idempotency-Key` header, repeating the request returns the same schedule.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description 1–255 printable ASCII characters. Repeating a request with the same key (per tenant) answers with the same task — or schedule — (`Idempotent-Replayed: true`); the same key with a different request is a 422. */
          "Idempotency-Key"?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            /**
             * @description ticks missed while no scheduler ran: `none` (fire only a tick at most a minute late), `latest` (default: fire the latest once), `all` (fire each, oldest first, at most `catchUpMax`)
             * @default latest
             * @enum {string}
             */
            catchUp?: "none" | "latest" | "all";
            /** @default 10 */
            catchUpMax?: number;
            /** @description five fields (minute hour day month weekday), or six with seconds first, or seven with a year last; read in `timezone` (croner's syntax: `*\/5`, ranges, lists, `L`, `#`, nicknames like `@daily`) */
            cron: string;
            /**
             * Format: date-time
             * @description no tick after it fires
             */
            endAt?: string | null;
            /** @description for people: shown in the console */
            name?: string;
            /**
             * @description when a tick comes while the previous firing has not finished: `skip` it (default), `queue` it (at most one waits, fired when the previous finishes) or `allow` it to run beside
             * @default skip
             * @enum {string}
             */
            overlap?: "skip" | "queue" | "allow";
            /**
             * @description a paused schedule fires nothing; resuming does not catch up the pause
             * @default false
             */
            paused?: boolean;
            /**
             * Format: date-time
             * @description no tick before it fires
             */
            startAt?: string | null;
            /**
             * @description what each firing submits: a POST /tasks body, without runAt or delaySeconds (the schedule says when)
             * @example {
             *       "prompt": "Summarise the plot of Hamlet in one sentence.",
             *       "maxTokens": 200
             *     }
             */
            task: {
              /** @description opt-in result cache (needs temperature 0): an identical request within ttlSeconds completes from the cache, with no call and no cost */
              cache?: {
                ttlSeconds: number;
              };
              delaySeconds?: number;
              /** @description tried in turn when the model is overloaded or unavailable after its retries */
              fallbackModels?: string[];
              maxAttempts?: number;
              maxTokens?: number;
              /** @description the conversation (Claude's Messages API, camelCase): user and assistant turns, a final assistant turn as prefill, content as text or blocks (text, image, document, tool_use, tool_result, thinking) */
              messages?: {
                content:
                  | string
                  | (
                      | {
                          cacheControl?: {
                            /** @enum {string} */
                            ttl?: "5m" | "1h";
                            /** @enum {string} */
                            type: "ephemeral";
                          };
                          text: string;
                          /** @enum {string} */
                          type: "text";
                        }
                      | {
                          cacheControl?: {
                            /** @enum {string} */
                            ttl?: "5m" | "1h";
                            /** @enum {string} */
                            type: "ephemeral";
                          };
                          source:
                            | {
                                /** Format: base64 */
                                data: string;
                                /** @enum {string} */
                                mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                                /** @enum {string} */
                                type: "base64";
                              }
                            | {
                                /** @enum {string} */
                                type: "url";
                                /** Format: uri */
                                url: string;
                              };
                          /** @enum {string} */
                          type: "image";
                        }
                      | {
                          cacheControl?: {
                            /** @enum {string} */
                            ttl?: "5m" | "1h";
                            /** @enum {string} */
                            type: "ephemeral";
                          };
                          citations?: {
                            enabled: boolean;
                          };
                          context?: string;
                          source:
                            | {
                                /** Format: base64 */
                                data: string;
                                /** @enum {string} */
                                mediaType: "application/pdf";
                                /** @enum {string} */
                                type: "base64";
                              }
                            | {
                                data: string;
                                /** @enum {string} */
                                mediaType: "text/plain";
                                /** @enum {string} */
                                type: "text";
                              }
                            | {
                                /** @enum {string} */
                                type: "url";
                                /** Format: uri */
                                url: string;
                              };
                          title?: string;
                          /** @enum {string} */
                          type: "document";
                        }
                      | {
                          cacheControl?: {
                            /** @enum {string} */
                            ttl?: "5m" | "1h";
                            /** @enum {string} */
                            type: "ephemeral";
                          };
                          id: string;
                          input: {
                            [key: string]: unknown;
                          };
                          name: string;
                          /** @enum {string} */
                          type: "tool_use";
                        }
                      | {
                          cacheControl?: {
                            /** @enum {string} */
                            ttl?: "5m" | "1h";
                            /** @enum {string} */
                            type: "ephemeral";
                          };
                          content?:
                            | string
                            | (
                                | {
                                    cacheControl?: {
                                      /** @enum {string} */
                                      ttl?: "5m" | "1h";
                                      /** @enum {string} */
                                      type: "ephemeral";
                                    };
                                    text: string;
                                    /** @enum {string} */
                                    type: "text";
                                  }
                                | {
                                    cacheControl?: {
                                      /** @enum {string} */
                                      ttl?: "5m" | "1h";
                                      /** @enum {string} */
                                      type: "ephemeral";
                                    };
                                    source:
                                      | {
                                          /** Format: base64 */
                                          data: string;
                                          /** @enum {string} */
                                          mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                                          /** @enum {string} */
                                          type: "base64";
                                        }
                                      | {
                                          /** @enum {string} */
                                          type: "url";
                                          /** Format: uri */
                                          url: string;
                                        };
                                    /** @enum {string} */
                                    type: "image";
                                  }
                              )[];
                          isError?: boolean;
                          toolUseId: string;
                          /** @enum {string} */
                          type: "tool_result";
                        }
                      | {
                          signature: string;
                          thinking: string;
                          /** @enum {string} */
                          type: "thinking";
                        }
                      | {
                          data: string;
                          /** @enum {string} */
                          type: "redacted_thinking";
                        }
                    )[];
                /** @enum {string} */
                role: "user" | "assistant";
              }[];
              /** @description Your own JSON, kept with the task: at most 10 levels deep, 16384 bytes as JSON, keys of at most 256 characters */
              metadata?: {
                [key: string]: unknown;
              };
              /**
               * @description `now` (default): one streamed call as soon as the task is due. `batch`: sent with other tasks of its model through the provider's Message Batches API — half the price, results within 24 h (Anthropic and fake only)
               * @enum {string}
               */
              mode?: "now" | "batch";
              model?: string;
              /** @description structured output: a JSON Schema the final text must satisfy; a reply that does not is a failed attempt (output_invalid), retried by policy; a refusal fails the task at once (refused) */
              outputSchema?: {
                [key: string]: unknown;
              };
              /**
               * @description which work its model lane admits first (default normal); waiting work ages upwards, so low is never starved
               * @enum {string}
               */
              priority?: "low" | "normal" | "high";
              /** @description the shorthand for one user message; give it or `messages` */
              prompt?: string;
              /**
               * @description who serves it (default: the configured provider)
               * @enum {string}
               */
              provider?: "anthropic" | "openai" | "fake";
              /** Format: date-time */
              runAt?: string;
              /** @enum {string} */
              serviceTier?: "auto" | "standard_only";
              stopSequences?: string[];
              /** @description text, or text blocks (which may carry cacheControl) */
              system?:
                | string
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    text: string;
                    /** @enum {string} */
                    type: "text";
                  }[];
              /** @description 0–1 for Anthropic (and fake), 0–2 for an OpenAI-compatible provider */
              temperature?: number;
              /** @description extended thinking: {type:'enabled', budgetTokens ≥ 1024 and < maxTokens}, adaptive, or disabled */
              thinking?:
                | {
                    budgetTokens: number;
                    /** @enum {string} */
                    type: "enabled";
                  }
                | {
                    /** @enum {string} */
                    type: "adaptive";
                  }
                | {
                    /** @enum {string} */
                    type: "disabled";
                  };
              timeoutSeconds?: number;
              toolChoice?:
                | {
                    disableParallelToolUse?: boolean;
                    /** @enum {string} */
                    type: "auto";
                  }
                | {
                    disableParallelToolUse?: boolean;
                    /** @enum {string} */
                    type: "any";
                  }
                | {
                    disableParallelToolUse?: boolean;
                    name: string;
                    /** @enum {string} */
                    type: "tool";
                  }
                | {
                    /** @enum {string} */
                    type: "none";
                  };
              /** @description tools the model may call: name, description, inputSchema */
              tools?: {
                cacheControl?: {
                  /** @enum {string} */
                  ttl?: "5m" | "1h";
                  /** @enum {string} */
                  type: "ephemeral";
                };
                description?: string;
                inputSchema: {
                  /** @enum {string} */
                  type: "object";
                } & {
                  [key: string]: unknown;
                };
                name: string;
              }[];
              topK?: number;
              topP?: number;
              /** @description a receiver for this task's events (Standard Webhooks, signed with the tenant's task-webhook secret from POST /webhooks/task-secret): `url` (http or https, refused when it resolves to a private address unless allowed by WEBHOOK_ALLOWED_HOSTS) and `events` (default task.completed, task.failed, task.cancelled) */
              webhook?: {
                events?: (
                  | "task.submitted"
                  | "task.scheduled"
                  | "task.awaiting_parent"
                  | "task.queued"
                  | "task.started"
                  | "task.retrying"
                  | "task.retry_requested"
                  | "task.completed"
                  | "task.failed"
                  | "task.cancelled"
                )[];
                /** Format: uri */
                url: string;
              };
            };
            /**
             * @description an IANA time zone, e.g. Europe/Berlin (default UTC)
             * @default UTC
             */
            timezone?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Schedule"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        422: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; `spend_limit_exceeded`: the tenant has spent its daily or monthly tokens (Retry-After: until the UTC day or month turns) */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/schedules/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a schedule */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Schedule"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Delete a schedule
     * @description It fires no more; the tasks it fired stay, and keep running.
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description deleted */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": null;
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    options?: never;
    head?: never;
    /**
     * Change a schedule
     * @description Changes the fields given. `paused: true` pauses it, `paused: false` resumes it (the ticks of the pause are not caught up); a new cron, time zone or start counts from now.
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            /**
             * @description ticks missed while no scheduler ran: `none` (fire only a tick at most a minute late), `latest` (default: fire the latest once), `all` (fire each, oldest first, at most `catchUpMax`)
             * @enum {string}
             */
            catchUp?: "none" | "latest" | "all";
            catchUpMax?: number;
            /** @description five fields (minute hour day month weekday), or six with seconds first, or seven with a year last; read in `timezone` (croner's syntax: `*\/5`, ranges, lists, `L`, `#`, nicknames like `@daily`) */
            cron?: string;
            /**
             * Format: date-time
             * @description no tick after it fires
             */
            endAt?: string | null;
            /** @description for people: shown in the console */
            name?: string | null;
            /**
             * @description when a tick comes while the previous firing has not finished: `skip` it (default), `queue` it (at most one waits, fired when the previous finishes) or `allow` it to run beside
             * @enum {string}
             */
            overlap?: "skip" | "queue" | "allow";
            /** @description a paused schedule fires nothing; resuming does not catch up the pause */
            paused?: boolean;
            /**
             * Format: date-time
             * @description no tick before it fires
             */
            startAt?: string | null;
            /**
             * @description what each firing submits: a POST /tasks body, without runAt or delaySeconds (the schedule says when)
             * @example {
             *       "prompt": "Summarise the plot of Hamlet in one sentence.",
             *       "maxTokens": 200
             *     }
             */
            task?: {
              /** @description opt-in result cache (needs temperature 0): an identical request within ttlSeconds completes from the cache, with no call and no cost */
              cache?: {
                ttlSeconds: number;
              };
              delaySeconds?: number;
              /** @description tried in turn when the model is overloaded or unavailable after its retries */
              fallbackModels?: string[];
              maxAttempts?: number;
              maxTokens?: number;
              /** @description the conversation (Claude's Messages API, camelCase): user and assistant turns, a final assistant turn as prefill, content as text or blocks (text, image, document, tool_use, tool_result, thinking) */
              messages?: {
                content:
                  | string
                  | (
                      | {
                          cacheControl?: {
                            /** @enum {string} */
                            ttl?: "5m" | "1h";
                            /** @enum {string} */
                            type: "ephemeral";
                          };
                          text: string;
                          /** @enum {string} */
                          type: "text";
                        }
                      | {
                          cacheControl?: {
                            /** @enum {string} */
                            ttl?: "5m" | "1h";
                            /** @enum {string} */
                            type: "ephemeral";
                          };
                          source:
                            | {
                                /** Format: base64 */
                                data: string;
                                /** @enum {string} */
                                mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                                /** @enum {string} */
                                type: "base64";
                              }
                            | {
                                /** @enum {string} */
                                type: "url";
                                /** Format: uri */
                                url: string;
                              };
                          /** @enum {string} */
                          type: "image";
                        }
                      | {
                          cacheControl?: {
                            /** @enum {string} */
                            ttl?: "5m" | "1h";
                            /** @enum {string} */
                            type: "ephemeral";
                          };
                          citations?: {
                            enabled: boolean;
                          };
                          context?: string;
                          source:
                            | {
                                /** Format: base64 */
                                data: string;
                                /** @enum {string} */
                                mediaType: "application/pdf";
                                /** @enum {string} */
                                type: "base64";
                              }
                            | {
                                data: string;
                                /** @enum {string} */
                                mediaType: "text/plain";
                                /** @enum {string} */
                                type: "text";
                              }
                            | {
                                /** @enum {string} */
                                type: "url";
                                /** Format: uri */
                                url: string;
                              };
                          title?: string;
                          /** @enum {string} */
                          type: "document";
                        }
                      | {
                          cacheControl?: {
                            /** @enum {string} */
                            ttl?: "5m" | "1h";
                            /** @enum {string} */
                            type: "ephemeral";
                          };
                          id: string;
                          input: {
                            [key: string]: unknown;
                          };
                          name: string;
                          /** @enum {string} */
                          type: "tool_use";
                        }
                      | {
                          cacheControl?: {
                            /** @enum {string} */
                            ttl?: "5m" | "1h";
                            /** @enum {string} */
                            type: "ephemeral";
                          };
                          content?:
                            | string
                            | (
                                | {
                                    cacheControl?: {
                                      /** @enum {string} */
                                      ttl?: "5m" | "1h";
                                      /** @enum {string} */
                                      type: "ephemeral";
                                    };
                                    text: string;
                                    /** @enum {string} */
                                    type: "text";
                                  }
                                | {
                                    cacheControl?: {
                                      /** @enum {string} */
                                      ttl?: "5m" | "1h";
                                      /** @enum {string} */
                                      type: "ephemeral";
                                    };
                                    source:
                                      | {
                                          /** Format: base64 */
                                          data: string;
                                          /** @enum {string} */
                                          mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                                          /** @enum {string} */
                                          type: "base64";
                                        }
                                      | {
                                          /** @enum {string} */
                                          type: "url";
                                          /** Format: uri */
                                          url: string;
                                        };
                                    /** @enum {string} */
                                    type: "image";
                                  }
                              )[];
                          isError?: boolean;
                          toolUseId: string;
                          /** @enum {string} */
                          type: "tool_result";
                        }
                      | {
                          signature: string;
                          thinking: string;
                          /** @enum {string} */
                          type: "thinking";
                        }
                      | {
                          data: string;
                          /** @enum {string} */
                          type: "redacted_thinking";
                        }
                    )[];
                /** @enum {string} */
                role: "user" | "assistant";
              }[];
              /** @description Your own JSON, kept with the task: at most 10 levels deep, 16384 bytes as JSON, keys of at most 256 characters */
              metadata?: {
                [key: string]: unknown;
              };
              /**
               * @description `now` (default): one streamed call as soon as the task is due. `batch`: sent with other tasks of its model through the provider's Message Batches API — half the price, results within 24 h (Anthropic and fake only)
               * @enum {string}
               */
              mode?: "now" | "batch";
              model?: string;
              /** @description structured output: a JSON Schema the final text must satisfy; a reply that does not is a failed attempt (output_invalid), retried by policy; a refusal fails the task at once (refused) */
              outputSchema?: {
                [key: string]: unknown;
              };
              /**
               * @description which work its model lane admits first (default normal); waiting work ages upwards, so low is never starved
               * @enum {string}
               */
              priority?: "low" | "normal" | "high";
              /** @description the shorthand for one user message; give it or `messages` */
              prompt?: string;
              /**
               * @description who serves it (default: the configured provider)
               * @enum {string}
               */
              provider?: "anthropic" | "openai" | "fake";
              /** Format: date-time */
              runAt?: string;
              /** @enum {string} */
              serviceTier?: "auto" | "standard_only";
              stopSequences?: string[];
              /** @description text, or text blocks (which may carry cacheControl) */
              system?:
                | string
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    text: string;
                    /** @enum {string} */
                    type: "text";
                  }[];
              /** @description 0–1 for Anthropic (and fake), 0–2 for an OpenAI-compatible provider */
              temperature?: number;
              /** @description extended thinking: {type:'enabled', budgetTokens ≥ 1024 and < maxTokens}, adaptive, or disabled */
              thinking?:
                | {
                    budgetTokens: number;
                    /** @enum {string} */
                    type: "enabled";
                  }
                | {
                    /** @enum {string} */
                    type: "adaptive";
                  }
                | {
                    /** @enum {string} */
                    type: "disabled";
                  };
              timeoutSeconds?: number;
              toolChoice?:
                | {
                    disableParallelToolUse?: boolean;
                    /** @enum {string} */
                    type: "auto";
                  }
                | {
                    disableParallelToolUse?: boolean;
                    /** @enum {string} */
                    type: "any";
                  }
                | {
                    disableParallelToolUse?: boolean;
                    name: string;
                    /** @enum {string} */
                    type: "tool";
                  }
                | {
                    /** @enum {string} */
                    type: "none";
                  };
              /** @description tools the model may call: name, description, inputSchema */
              tools?: {
                cacheControl?: {
                  /** @enum {string} */
                  ttl?: "5m" | "1h";
                  /** @enum {string} */
                  type: "ephemeral";
                };
                description?: string;
                inputSchema: {
                  /** @enum {string} */
                  type: "object";
                } & {
                  [key: string]: unknown;
                };
                name: string;
              }[];
              topK?: number;
              topP?: number;
              /** @description a receiver for this task's events (Standard Webhooks, signed with the tenant's task-webhook secret from POST /webhooks/task-secret): `url` (http or https, refused when it resolves to a private address unless allowed by WEBHOOK_ALLOWED_HOSTS) and `events` (default task.completed, task.failed, task.cancelled) */
              webhook?: {
                events?: (
                  | "task.submitted"
                  | "task.scheduled"
                  | "task.awaiting_parent"
                  | "task.queued"
                  | "task.started"
                  | "task.retrying"
                  | "task.retry_requested"
                  | "task.completed"
                  | "task.failed"
                  | "task.cancelled"
                )[];
                /** Format: uri */
                url: string;
              };
            };
            /** @description an IANA time zone, e.g. Europe/Berlin (default UTC) */
            timezone?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Schedule"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    trace?: never;
  };
  "/stats": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Overview of the caller's tasks
     * @description Completed and failed per minute for the last hour, tasks running and waiting, counts by status, cost per day (all in the caller's tenant), how many events the read model trails the stream by, and the model lanes' budgets and queues.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Stats"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/status/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Status (Celery-compatible) */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              error?: string;
              result: {
                model: string;
                prompt: string;
                prompt_length: number;
                response: string;
                response_length: number;
                task_id: string;
                timestamp: number;
              } | null;
              /** @enum {string} */
              status: "PENDING" | "PROCESSING" | "SUCCESS" | "FAILURE" | "REVOKED";
              task_id: string;
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/submit": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Submit (Celery-compatible) */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description 1–255 printable ASCII characters. Repeating a request with the same key (per tenant) answers with the same task — or schedule — (`Idempotent-Replayed: true`); the same key with a different request is a 422. */
          "Idempotency-Key"?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            prompt: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              message: string;
              /** @enum {string} */
              status: "PENDING" | "PROCESSING" | "SUCCESS" | "FAILURE" | "REVOKED";
              task_id: string;
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; `spend_limit_exceeded`: the tenant has spent its daily or monthly tokens (Retry-After: until the UTC day or month turns) */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List tasks
     * @description The caller's tasks, newest first, filtered; follow `nextCursor` for the next page.
     */
    get: {
      parameters: {
        query?: {
          createdAfter?: string;
          createdBefore?: string;
          /** @description nextCursor of the previous page */
          cursor?: string;
          limit?: number;
          parentId?: string;
          /** @description the tasks a schedule fired */
          scheduleId?: string;
          /** @description one or several statuses, comma-separated or repeated */
          status?: (
            | "submitted"
            | "scheduled"
            | "awaiting_parent"
            | "queued"
            | "running"
            | "retrying"
            | "completed"
            | "failed"
            | "cancelled"
          )[];
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              nextCursor: string | null;
              tasks: components["schemas"]["Task"][];
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    /**
     * Submit a task
     * @description Accepts the task at once (202) and runs it in the background, now or at `runAt`/after `delaySeconds`. With an `Idempotency-Key` header, repeating the request returns the same task.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description 1–255 printable ASCII characters. Repeating a request with the same key (per tenant) answers with the same task — or schedule — (`Idempotent-Replayed: true`); the same key with a different request is a 422. */
          "Idempotency-Key"?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            /** @description opt-in result cache (needs temperature 0): an identical request within ttlSeconds completes from the cache, with no call and no cost */
            cache?: {
              ttlSeconds: number;
            };
            delaySeconds?: number;
            /** @description tried in turn when the model is overloaded or unavailable after its retries */
            fallbackModels?: string[];
            maxAttempts?: number;
            maxTokens?: number;
            /** @description the conversation (Claude's Messages API, camelCase): user and assistant turns, a final assistant turn as prefill, content as text or blocks (text, image, document, tool_use, tool_result, thinking) */
            messages?: {
              content:
                | string
                | (
                    | {
                        cacheControl?: {
                          /** @enum {string} */
                          ttl?: "5m" | "1h";
                          /** @enum {string} */
                          type: "ephemeral";
                        };
                        text: string;
                        /** @enum {string} */
                        type: "text";
                      }
                    | {
                        cacheControl?: {
                          /** @enum {string} */
                          ttl?: "5m" | "1h";
                          /** @enum {string} */
                          type: "ephemeral";
                        };
                        source:
                          | {
                              /** Format: base64 */
                              data: string;
                              /** @enum {string} */
                              mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                              /** @enum {string} */
                              type: "base64";
                            }
                          | {
                              /** @enum {string} */
                              type: "url";
                              /** Format: uri */
                              url: string;
                            };
                        /** @enum {string} */
                        type: "image";
                      }
                    | {
                        cacheControl?: {
                          /** @enum {string} */
                          ttl?: "5m" | "1h";
                          /** @enum {string} */
                          type: "ephemeral";
                        };
                        citations?: {
                          enabled: boolean;
                        };
                        context?: string;
                        source:
                          | {
                              /** Format: base64 */
                              data: string;
                              /** @enum {string} */
                              mediaType: "application/pdf";
                              /** @enum {string} */
                              type: "base64";
                            }
                          | {
                              data: string;
                              /** @enum {string} */
                              mediaType: "text/plain";
                              /** @enum {string} */
                              type: "text";
                            }
                          | {
                              /** @enum {string} */
                              type: "url";
                              /** Format: uri */
                              url: string;
                            };
                        title?: string;
                        /** @enum {string} */
                        type: "document";
                      }
                    | {
                        cacheControl?: {
                          /** @enum {string} */
                          ttl?: "5m" | "1h";
                          /** @enum {string} */
                          type: "ephemeral";
                        };
                        id: string;
                        input: {
                          [key: string]: unknown;
                        };
                        name: string;
                        /** @enum {string} */
                        type: "tool_use";
                      }
                    | {
                        cacheControl?: {
                          /** @enum {string} */
                          ttl?: "5m" | "1h";
                          /** @enum {string} */
                          type: "ephemeral";
                        };
                        content?:
                          | string
                          | (
                              | {
                                  cacheControl?: {
                                    /** @enum {string} */
                                    ttl?: "5m" | "1h";
                                    /** @enum {string} */
                                    type: "ephemeral";
                                  };
                                  text: string;
                                  /** @enum {string} */
                                  type: "text";
                                }
                              | {
                                  cacheControl?: {
                                    /** @enum {string} */
                                    ttl?: "5m" | "1h";
                                    /** @enum {string} */
                                    type: "ephemeral";
                                  };
                                  source:
                                    | {
                                        /** Format: base64 */
                                        data: string;
                                        /** @enum {string} */
                                        mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                                        /** @enum {string} */
                                        type: "base64";
                                      }
                                    | {
                                        /** @enum {string} */
                                        type: "url";
                                        /** Format: uri */
                                        url: string;
                                      };
                                  /** @enum {string} */
                                  type: "image";
                                }
                            )[];
                        isError?: boolean;
                        toolUseId: string;
                        /** @enum {string} */
                        type: "tool_result";
                      }
                    | {
                        signature: string;
                        thinking: string;
                        /** @enum {string} */
                        type: "thinking";
                      }
                    | {
                        data: string;
                        /** @enum {string} */
                        type: "redacted_thinking";
                      }
                  )[];
              /** @enum {string} */
              role: "user" | "assistant";
            }[];
            /** @description Your own JSON, kept with the task: at most 10 levels deep, 16384 bytes as JSON, keys of at most 256 characters */
            metadata?: {
              [key: string]: unknown;
            };
            /**
             * @description `now` (default): one streamed call as soon as the task is due. `batch`: sent with other tasks of its model through the provider's Message Batches API — half the price, results within 24 h (Anthropic and fake only)
             * @enum {string}
             */
            mode?: "now" | "batch";
            model?: string;
            /**
             * @description with parentIds: when a parent fails or is cancelled, `cascade` (default) cancels this task; `continue` runs it on the parents that completed (a missing output renders empty), cancelling it only if none did
             * @enum {string}
             */
            onParentFailure?: "cascade" | "continue";
            /** @description structured output: a JSON Schema the final text must satisfy; a reply that does not is a failed attempt (output_invalid), retried by policy; a refusal fails the task at once (refused) */
            outputSchema?: {
              [key: string]: unknown;
            };
            /** @description tasks this one runs on once all have finished (at most FANIN_MAX_PARENTS, default 100, each once): `{{parents.<n>.output}}` in the prompt is parent n's output (0-based), `{{parents.output}}` all of them joined by a blank line (appended after a blank line when no token is present) */
            parentIds?: string[];
            /**
             * @description which work its model lane admits first (default normal); waiting work ages upwards, so low is never starved
             * @enum {string}
             */
            priority?: "low" | "normal" | "high";
            /** @description the shorthand for one user message; give it or `messages` */
            prompt?: string;
            /**
             * @description who serves it (default: the configured provider)
             * @enum {string}
             */
            provider?: "anthropic" | "openai" | "fake";
            /** Format: date-time */
            runAt?: string;
            /** @enum {string} */
            serviceTier?: "auto" | "standard_only";
            stopSequences?: string[];
            /** @description text, or text blocks (which may carry cacheControl) */
            system?:
              | string
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  text: string;
                  /** @enum {string} */
                  type: "text";
                }[];
            /** @description 0–1 for Anthropic (and fake), 0–2 for an OpenAI-compatible provider */
            temperature?: number;
            /** @description extended thinking: {type:'enabled', budgetTokens ≥ 1024 and < maxTokens}, adaptive, or disabled */
            thinking?:
              | {
                  budgetTokens: number;
                  /** @enum {string} */
                  type: "enabled";
                }
              | {
                  /** @enum {string} */
                  type: "adaptive";
                }
              | {
                  /** @enum {string} */
                  type: "disabled";
                };
            timeoutSeconds?: number;
            toolChoice?:
              | {
                  disableParallelToolUse?: boolean;
                  /** @enum {string} */
                  type: "auto";
                }
              | {
                  disableParallelToolUse?: boolean;
                  /** @enum {string} */
                  type: "any";
                }
              | {
                  disableParallelToolUse?: boolean;
                  name: string;
                  /** @enum {string} */
                  type: "tool";
                }
              | {
                  /** @enum {string} */
                  type: "none";
                };
            /** @description tools the model may call: name, description, inputSchema */
            tools?: {
              cacheControl?: {
                /** @enum {string} */
                ttl?: "5m" | "1h";
                /** @enum {string} */
                type: "ephemeral";
              };
              description?: string;
              inputSchema: {
                /** @enum {string} */
                type: "object";
              } & {
                [key: string]: unknown;
              };
              name: string;
            }[];
            topK?: number;
            topP?: number;
            /** @description a receiver for this task's events (Standard Webhooks, signed with the tenant's task-webhook secret from POST /webhooks/task-secret): `url` (http or https, refused when it resolves to a private address unless allowed by WEBHOOK_ALLOWED_HOSTS) and `events` (default task.completed, task.failed, task.cancelled) */
            webhook?: {
              events?: (
                | "task.submitted"
                | "task.scheduled"
                | "task.awaiting_parent"
                | "task.queued"
                | "task.started"
                | "task.retrying"
                | "task.retry_requested"
                | "task.completed"
                | "task.failed"
                | "task.cancelled"
              )[];
              /** Format: uri */
              url: string;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Task"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        422: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; `spend_limit_exceeded`: the tenant has spent its daily or monthly tokens (Retry-After: until the UTC day or month turns) */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a task */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Task"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks/{id}/cancel": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel a task
     * @description Stops a waiting task from running, or aborts it mid-generation (partial output is kept). Cancelling a cancelled task is a no-op (200); a finished one is a 409.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            reason?: string;
          } | null;
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Task"];
          };
        };
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Task"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks/{id}/chain": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Chain a task onto this one
     * @description Creates a task that runs on this task's output once it completes: `{{parent.output}}` in `prompt` is replaced by it (appended after a blank line when absent; `\{{parent.output}}` stays literal).
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description 1–255 printable ASCII characters. Repeating a request with the same key (per tenant) answers with the same task — or schedule — (`Idempotent-Replayed: true`); the same key with a different request is a 422. */
          "Idempotency-Key"?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            /** @description opt-in result cache (needs temperature 0): an identical request within ttlSeconds completes from the cache, with no call and no cost */
            cache?: {
              ttlSeconds: number;
            };
            delaySeconds?: number;
            /** @description tried in turn when the model is overloaded or unavailable after its retries */
            fallbackModels?: string[];
            maxAttempts?: number;
            maxTokens?: number;
            /** @description the conversation (Claude's Messages API, camelCase): user and assistant turns, a final assistant turn as prefill, content as text or blocks (text, image, document, tool_use, tool_result, thinking) */
            messages?: {
              content:
                | string
                | (
                    | {
                        cacheControl?: {
                          /** @enum {string} */
                          ttl?: "5m" | "1h";
                          /** @enum {string} */
                          type: "ephemeral";
                        };
                        text: string;
                        /** @enum {string} */
                        type: "text";
                      }
                    | {
                        cacheControl?: {
                          /** @enum {string} */
                          ttl?: "5m" | "1h";
                          /** @enum {string} */
                          type: "ephemeral";
                        };
                        source:
                          | {
                              /** Format: base64 */
                              data: string;
                              /** @enum {string} */
                              mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                              /** @enum {string} */
                              type: "base64";
                            }
                          | {
                              /** @enum {string} */
                              type: "url";
                              /** Format: uri */
                              url: string;
                            };
                        /** @enum {string} */
                        type: "image";
                      }
                    | {
                        cacheControl?: {
                          /** @enum {string} */
                          ttl?: "5m" | "1h";
                          /** @enum {string} */
                          type: "ephemeral";
                        };
                        citations?: {
                          enabled: boolean;
                        };
                        context?: string;
                        source:
                          | {
                              /** Format: base64 */
                              data: string;
                              /** @enum {string} */
                              mediaType: "application/pdf";
                              /** @enum {string} */
                              type: "base64";
                            }
                          | {
                              data: string;
                              /** @enum {string} */
                              mediaType: "text/plain";
                              /** @enum {string} */
                              type: "text";
                            }
                          | {
                              /** @enum {string} */
                              type: "url";
                              /** Format: uri */
                              url: string;
                            };
                        title?: string;
                        /** @enum {string} */
                        type: "document";
                      }
                    | {
                        cacheControl?: {
                          /** @enum {string} */
                          ttl?: "5m" | "1h";
                          /** @enum {string} */
                          type: "ephemeral";
                        };
                        id: string;
                        input: {
                          [key: string]: unknown;
                        };
                        name: string;
                        /** @enum {string} */
                        type: "tool_use";
                      }
                    | {
                        cacheControl?: {
                          /** @enum {string} */
                          ttl?: "5m" | "1h";
                          /** @enum {string} */
                          type: "ephemeral";
                        };
                        content?:
                          | string
                          | (
                              | {
                                  cacheControl?: {
                                    /** @enum {string} */
                                    ttl?: "5m" | "1h";
                                    /** @enum {string} */
                                    type: "ephemeral";
                                  };
                                  text: string;
                                  /** @enum {string} */
                                  type: "text";
                                }
                              | {
                                  cacheControl?: {
                                    /** @enum {string} */
                                    ttl?: "5m" | "1h";
                                    /** @enum {string} */
                                    type: "ephemeral";
                                  };
                                  source:
                                    | {
                                        /** Format: base64 */
                                        data: string;
                                        /** @enum {string} */
                                        mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                                        /** @enum {string} */
                                        type: "base64";
                                      }
                                    | {
                                        /** @enum {string} */
                                        type: "url";
                                        /** Format: uri */
                                        url: string;
                                      };
                                  /** @enum {string} */
                                  type: "image";
                                }
                            )[];
                        isError?: boolean;
                        toolUseId: string;
                        /** @enum {string} */
                        type: "tool_result";
                      }
                    | {
                        signature: string;
                        thinking: string;
                        /** @enum {string} */
                        type: "thinking";
                      }
                    | {
                        data: string;
                        /** @enum {string} */
                        type: "redacted_thinking";
                      }
                  )[];
              /** @enum {string} */
              role: "user" | "assistant";
            }[];
            /** @description Your own JSON, kept with the task: at most 10 levels deep, 16384 bytes as JSON, keys of at most 256 characters */
            metadata?: {
              [key: string]: unknown;
            };
            /**
             * @description `now` (default): one streamed call as soon as the task is due. `batch`: sent with other tasks of its model through the provider's Message Batches API — half the price, results within 24 h (Anthropic and fake only)
             * @enum {string}
             */
            mode?: "now" | "batch";
            model?: string;
            /** @description structured output: a JSON Schema the final text must satisfy; a reply that does not is a failed attempt (output_invalid), retried by policy; a refusal fails the task at once (refused) */
            outputSchema?: {
              [key: string]: unknown;
            };
            /**
             * @description which work its model lane admits first (default normal); waiting work ages upwards, so low is never starved
             * @enum {string}
             */
            priority?: "low" | "normal" | "high";
            /** @description the shorthand for one user message; give it or `messages` */
            prompt?: string;
            /**
             * @description who serves it (default: the configured provider)
             * @enum {string}
             */
            provider?: "anthropic" | "openai" | "fake";
            /** Format: date-time */
            runAt?: string;
            /** @enum {string} */
            serviceTier?: "auto" | "standard_only";
            stopSequences?: string[];
            /** @description text, or text blocks (which may carry cacheControl) */
            system?:
              | string
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  text: string;
                  /** @enum {string} */
                  type: "text";
                }[];
            /** @description 0–1 for Anthropic (and fake), 0–2 for an OpenAI-compatible provider */
            temperature?: number;
            /** @description extended thinking: {type:'enabled', budgetTokens ≥ 1024 and < maxTokens}, adaptive, or disabled */
            thinking?:
              | {
                  budgetTokens: number;
                  /** @enum {string} */
                  type: "enabled";
                }
              | {
                  /** @enum {string} */
                  type: "adaptive";
                }
              | {
                  /** @enum {string} */
                  type: "disabled";
                };
            timeoutSeconds?: number;
            toolChoice?:
              | {
                  disableParallelToolUse?: boolean;
                  /** @enum {string} */
                  type: "auto";
                }
              | {
                  disableParallelToolUse?: boolean;
                  /** @enum {string} */
                  type: "any";
                }
              | {
                  disableParallelToolUse?: boolean;
                  name: string;
                  /** @enum {string} */
                  type: "tool";
                }
              | {
                  /** @enum {string} */
                  type: "none";
                };
            /** @description tools the model may call: name, description, inputSchema */
            tools?: {
              cacheControl?: {
                /** @enum {string} */
                ttl?: "5m" | "1h";
                /** @enum {string} */
                type: "ephemeral";
              };
              description?: string;
              inputSchema: {
                /** @enum {string} */
                type: "object";
              } & {
                [key: string]: unknown;
              };
              name: string;
            }[];
            topK?: number;
            topP?: number;
            /** @description a receiver for this task's events (Standard Webhooks, signed with the tenant's task-webhook secret from POST /webhooks/task-secret): `url` (http or https, refused when it resolves to a private address unless allowed by WEBHOOK_ALLOWED_HOSTS) and `events` (default task.completed, task.failed, task.cancelled) */
            webhook?: {
              events?: (
                | "task.submitted"
                | "task.scheduled"
                | "task.awaiting_parent"
                | "task.queued"
                | "task.started"
                | "task.retrying"
                | "task.retry_requested"
                | "task.completed"
                | "task.failed"
                | "task.cancelled"
              )[];
              /** Format: uri */
              url: string;
            };
          };
        };
      };
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Task"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        422: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; `spend_limit_exceeded`: the tenant has spent its daily or monthly tokens (Retry-After: until the UTC day or month turns) */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks/{id}/deliveries": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Every try at delivering a task's webhooks
     * @description Its own `webhook`'s and the tenant's subscriptions' tries for this task, newest first.
     */
    get: {
      parameters: {
        query?: {
          /** @description nextCursor of the previous page */
          cursor?: string;
          limit?: number;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              deliveries: components["schemas"]["WebhookDeliveryAttempt"][];
              nextCursor: string | null;
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks/{id}/events": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A task's history
     * @description The task's events, oldest first, read from the stream (the source of truth): at most 1,000 per request (HISTORY_MAX_EVENTS). When more follow, `truncated` is true: ask again with `afterSeq` set to the `seq` of the last event given. A gateway runs a bounded number of stream reads at once; beyond that it answers 503 `busy` with `Retry-After`.
     */
    get: {
      parameters: {
        query?: {
          /** @description Only events after this stream sequence: the `seq` of the last event of the previous page. */
          afterSeq?: number;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              events: {
                payload: {
                  [key: string]: unknown;
                };
                seq: number;
                time: string;
                type: string;
              }[];
              /** @description More events follow the last one given: ask again with `afterSeq` set to its `seq`. */
              truncated: boolean;
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        410: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks/{id}/retry": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Retry a failed task
     * @description Runs a failed task again; its attempts are counted on. Only a failed task can be retried.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Task"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        409: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks/{id}/stream": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Follow a task over Server-Sent Events
     * @description `text/event-stream`: `event: task` (the task resource) now and on every change, `event: delta` (an output delta; its `id` is `<gen>.<attempt>.<index>`), and `event: end` when the task is finished. Send `Last-Event-ID` to resume after a delta. `curl -N <url>` follows it.
     */
    get: {
      parameters: {
        query?: never;
        header?: {
          "last-event-id"?: string;
        };
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks/batch": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Submit many tasks
     * @description Up to 1,000 tasks in one request, each with its own optional `idempotencyKey`. The request is validated as a whole: one invalid item is a 400 naming every failing item, and nothing is submitted. Otherwise 202 with each task in request order (a replayed key gives the earlier task). When some items could not be accepted, 207: their slots hold an `error` and no `id`; send the same request again (with per-item keys) to complete them without doubling the others.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": components["schemas"]["TaskBatchInput"];
        };
      };
      responses: {
        /** @description Default Response */
        202: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["TaskBatchResult"];
          };
        };
        /** @description Default Response */
        207: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["TaskBatchResult"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks/cancel": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel many tasks
     * @description Cancels the tasks named by `ids` (up to 1,000), or the newest 1,000 of the caller's active tasks matching `filter` (the list's filter; only active statuses). Each result says what became of one task. With `truncated`, more matched: send the same request again for the next ones.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": components["schemas"]["BulkCancelInput"];
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["BulkResult"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks/recent": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Recent unfinished tasks (Celery-compatible)
     * @description Tasks still pending or running, newest first, as the Celery service listed active, scheduled and reserved tasks.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              tasks: {
                error?: string;
                result: {
                  model: string;
                  prompt: string;
                  prompt_length: number;
                  response: string;
                  response_length: number;
                  task_id: string;
                  timestamp: number;
                } | null;
                /** @enum {string} */
                status: "PENDING" | "PROCESSING" | "SUCCESS" | "FAILURE" | "REVOKED";
                task_id: string;
              }[];
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/tasks/retry": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Retry many failed tasks
     * @description Runs failed tasks again: those named by `ids` (up to 1,000), or the newest 1,000 failed ones matching `filter`. With `truncated`, more matched: send the same request again for the next ones.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": components["schemas"]["BulkRetryInput"];
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["BulkResult"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unauthorized`: no API key, or one malformed, unknown, revoked or expired */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `forbidden`: the key lacks the scope this route needs */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        413: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        415: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        503: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/webhooks": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the tenant's webhook subscriptions */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              webhooks: components["schemas"]["Webhook"][];
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    /**
     * Subscribe to the tenant's task events
     * @description Every event of the chosen types, of every task of the tenant, is POSTed to `url` (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature), retried with backoff for a day. The answer carries `secret`, the only time it is shown.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            description?: string;
            enabled?: boolean;
            /** @description default: task.completed, task.failed, task.cancelled */
            events?: (
              | "task.submitted"
              | "task.scheduled"
              | "task.awaiting_parent"
              | "task.queued"
              | "task.started"
              | "task.retrying"
              | "task.retry_requested"
              | "task.completed"
              | "task.failed"
              | "task.cancelled"
            )[];
            /** Format: uri */
            url: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["WebhookWithSecret"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/webhooks/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a webhook subscription */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Webhook"];
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Delete a webhook subscription
     * @description What is still pending for it is dropped; its deliveries stay listed.
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": null;
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    options?: never;
    head?: never;
    /**
     * Change a webhook subscription
     * @description Disabling one drops what is still pending for it. With `rotateSecret` the answer shows the new secret.
     */
    patch: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            description?: string | null;
            enabled?: boolean;
            /** @description which to receive, of task.submitted, task.scheduled, task.awaiting_parent, task.queued, task.started, task.retrying, task.retry_requested, task.completed, task.failed, task.cancelled */
            events?: (
              | "task.submitted"
              | "task.scheduled"
              | "task.awaiting_parent"
              | "task.queued"
              | "task.started"
              | "task.retrying"
              | "task.retry_requested"
              | "task.completed"
              | "task.failed"
              | "task.cancelled"
            )[];
            /** @description make a new secret: the answer shows it, once */
            rotateSecret?: boolean;
            /** Format: uri */
            url?: string;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              createdAt: string;
              description: string | null;
              enabled: boolean;
              events: (
                | "task.submitted"
                | "task.scheduled"
                | "task.awaiting_parent"
                | "task.queued"
                | "task.started"
                | "task.retrying"
                | "task.retry_requested"
                | "task.completed"
                | "task.failed"
                | "task.cancelled"
              )[];
              id: string;
              /** @description whsec_…: verify signatures with it (Standard Webhooks). Shown this once. */
              secret?: string;
              updatedAt: string;
              url: string;
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    trace?: never;
  };
  "/webhooks/{id}/deliveries": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Every try at delivering to a subscription
     * @description Newest first: event type, task, webhook-id, attempt, status or error, latency, the answer's first KiB.
     */
    get: {
      parameters: {
        query?: {
          /** @description nextCursor of the previous page */
          cursor?: string;
          limit?: number;
        };
        header?: never;
        path: {
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              deliveries: components["schemas"]["WebhookDeliveryAttempt"][];
              nextCursor: string | null;
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        404: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/webhooks/task-secret": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * The secret that signs the tenant's task webhooks
     * @description Deliveries to a task's own `webhook` are signed with one secret per tenant, made on first use. `rotate: true` makes a new one (deliveries from then on use it).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          "application/json": {
            rotate?: boolean;
          };
        };
      };
      responses: {
        /** @description Default Response */
        200: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              secret: string;
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/ws-tickets": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * A ticket to open /ws with
     * @description For a WebSocket client that would rather not send its key on the socket: open `/ws?ticket=…` within 60 seconds, on any gateway. A ticket works once and acts as the key that asked for it.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Default Response */
        201: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": {
              expiresAt: string;
              ticket: string;
            };
          };
        };
        /** @description `invalid_request` and the like: the request is malformed (`error.details` says where); `tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a malformed `X-Tenant-Id` with auth off */
        400: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        401: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description Default Response */
        403: {
          headers: {
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys together; `quota_exceeded`: over the tenant's tasks in flight; see Retry-After */
        429: {
          headers: {
            /** @description the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key's requests per second; `"tenant-rps"` for the tenant's, `"tasks-in-flight"` for its tasks in flight) */
            RateLimit?: string;
            /** @description its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>` */
            "RateLimit-Policy"?: string;
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
        /** @description `unavailable`, `busy` or `overloaded`: try again after Retry-After */
        503: {
          headers: {
            /** @description seconds to wait before trying again */
            "Retry-After"?: number;
            [name: string]: unknown;
          };
          content: {
            "application/json": components["schemas"]["Error"];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    ApiKey: {
      createdAt: string;
      expiresAt: string | null;
      id: string;
      /** @description written back at most once a minute */
      lastUsedAt: string | null;
      limits: {
        requestsPerSecond: number | null;
        tasksInFlight: number | null;
      };
      name: string | null;
      revokedAt: string | null;
      scopes: ("tasks:read" | "tasks:write" | "admin")[];
      tenant: string;
    };
    ApiKeyInput: {
      createdAt: string;
      expiresAt: string | null;
      id: string;
      /** @description written back at most once a minute */
      lastUsedAt: string | null;
      limits: {
        requestsPerSecond: number | null;
        tasksInFlight: number | null;
      };
      name: string | null;
      revokedAt: string | null;
      scopes: ("tasks:read" | "tasks:write" | "admin")[];
      tenant: string;
    };
    /**
     * @example {
     *       "filter": {
     *         "status": [
     *           "queued",
     *           "scheduled"
     *         ]
     *       },
     *       "reason": "deploy rolled back"
     *     }
     */
    BulkCancel: {
      filter?: {
        /** Format: date-time */
        createdAfter?: string;
        /** Format: date-time */
        createdBefore?: string;
        /** Format: uuid */
        parentId?: string;
        /** @description one or several statuses, comma-separated or repeated */
        status?: (
          | "submitted"
          | "scheduled"
          | "awaiting_parent"
          | "queued"
          | "running"
          | "retrying"
          | "completed"
          | "failed"
          | "cancelled"
        )[];
      };
      ids?: string[];
      reason?: string;
    };
    /**
     * @example {
     *       "filter": {
     *         "status": [
     *           "queued",
     *           "scheduled"
     *         ]
     *       },
     *       "reason": "deploy rolled back"
     *     }
     */
    BulkCancelInput: {
      filter?: {
        /** Format: date-time */
        createdAfter?: string;
        /** Format: date-time */
        createdBefore?: string;
        /** Format: uuid */
        parentId?: string;
        /** @description one or several statuses, comma-separated or repeated */
        status?: (
          | "submitted"
          | "scheduled"
          | "awaiting_parent"
          | "queued"
          | "running"
          | "retrying"
          | "completed"
          | "failed"
          | "cancelled"
        )[];
      };
      ids?: string[];
      reason?: string;
    };
    /**
     * @example {
     *       "results": [
     *         {
     *           "id": "0b6f5c2e-8a1d-4c7e-9f3a-2d4b6e8f0a1c",
     *           "outcome": "cancelled"
     *         },
     *         {
     *           "id": "5d1e8c3a-1b2f-4e6d-8a9c-0f3e5b7d9c1a",
     *           "outcome": "not_found"
     *         }
     *       ],
     *       "truncated": false
     *     }
     */
    BulkResult: {
      results: {
        /** Format: uuid */
        id: string;
        /** @enum {string} */
        outcome:
          | "cancelled"
          | "already_cancelled"
          | "retried"
          | "not_found"
          | "illegal_transition"
          | "history_purged"
          | "unavailable";
        /** @description the task after the command, when it is the caller's */
        task?: components["schemas"]["Task"];
      }[];
      /** @description with `filter`: more tasks matched than one request takes; send the same request again for the next ones */
      truncated: boolean;
    };
    /**
     * @example {
     *       "results": [
     *         {
     *           "id": "0b6f5c2e-8a1d-4c7e-9f3a-2d4b6e8f0a1c",
     *           "outcome": "cancelled"
     *         },
     *         {
     *           "id": "5d1e8c3a-1b2f-4e6d-8a9c-0f3e5b7d9c1a",
     *           "outcome": "not_found"
     *         }
     *       ],
     *       "truncated": false
     *     }
     */
    BulkResultInput: {
      results: {
        /** Format: uuid */
        id: string;
        /** @enum {string} */
        outcome:
          | "cancelled"
          | "already_cancelled"
          | "retried"
          | "not_found"
          | "illegal_transition"
          | "history_purged"
          | "unavailable";
        /** @description the task after the command, when it is the caller's */
        task?: components["schemas"]["TaskInput"];
      }[];
      /** @description with `filter`: more tasks matched than one request takes; send the same request again for the next ones */
      truncated: boolean;
    };
    /**
     * @example {
     *       "ids": [
     *         "0b6f5c2e-8a1d-4c7e-9f3a-2d4b6e8f0a1c"
     *       ]
     *     }
     */
    BulkRetry: {
      filter?: {
        /** Format: date-time */
        createdAfter?: string;
        /** Format: date-time */
        createdBefore?: string;
        /** Format: uuid */
        parentId?: string;
        /** @description one or several statuses, comma-separated or repeated */
        status?: (
          | "submitted"
          | "scheduled"
          | "awaiting_parent"
          | "queued"
          | "running"
          | "retrying"
          | "completed"
          | "failed"
          | "cancelled"
        )[];
      };
      ids?: string[];
    };
    /**
     * @example {
     *       "ids": [
     *         "0b6f5c2e-8a1d-4c7e-9f3a-2d4b6e8f0a1c"
     *       ]
     *     }
     */
    BulkRetryInput: {
      filter?: {
        /** Format: date-time */
        createdAfter?: string;
        /** Format: date-time */
        createdBefore?: string;
        /** Format: uuid */
        parentId?: string;
        /** @description one or several statuses, comma-separated or repeated */
        status?: (
          | "submitted"
          | "scheduled"
          | "awaiting_parent"
          | "queued"
          | "running"
          | "retrying"
          | "completed"
          | "failed"
          | "cancelled"
        )[];
      };
      ids?: string[];
    };
    CreatedApiKey: {
      createdAt: string;
      expiresAt: string | null;
      id: string;
      /** @description the key itself: shown this once, stored only as a hash */
      key: string;
      /** @description written back at most once a minute */
      lastUsedAt: string | null;
      limits: {
        requestsPerSecond: number | null;
        tasksInFlight: number | null;
      };
      name: string | null;
      revokedAt: string | null;
      scopes: ("tasks:read" | "tasks:write" | "admin")[];
      tenant: string;
    };
    CreatedApiKeyInput: {
      createdAt: string;
      expiresAt: string | null;
      id: string;
      /** @description the key itself: shown this once, stored only as a hash */
      key: string;
      /** @description written back at most once a minute */
      lastUsedAt: string | null;
      limits: {
        requestsPerSecond: number | null;
        tasksInFlight: number | null;
      };
      name: string | null;
      revokedAt: string | null;
      scopes: ("tasks:read" | "tasks:write" | "admin")[];
      tenant: string;
    };
    /**
     * @example {
     *       "error": {
     *         "code": "not_found",
     *         "message": "task 0b6f… not found"
     *       }
     *     }
     */
    Error: {
      error: {
        code: string;
        details?: unknown;
        message: string;
      };
    };
    /**
     * @example {
     *       "error": {
     *         "code": "not_found",
     *         "message": "task 0b6f… not found"
     *       }
     *     }
     */
    ErrorInput: {
      error: {
        code: string;
        details?: unknown;
        message: string;
      };
    };
    LaneStats: {
      /** @description what the lane's buckets hold now (null without a limit); below 0 after an overrun */
      available: {
        inputTokens: number | null;
        outputTokens: number | null;
        requests: number | null;
      };
      /** @description calls in flight on the lane, every executor and tenant */
      inFlight: number;
      /** @description the caller's tenant only */
      inFlightByTenant: {
        [key: string]: number;
      };
      /** @description `<provider>/<model>`: every call to it shares its limits */
      lane: string;
      /** @description what the provider's rate-limit headers last said */
      learned: {
        concurrency: number | null;
        inputTokens: number | null;
        outputTokens: number | null;
        requests: number | null;
      };
      /** @description in force per window: the configured ones, lowered to what the provider said */
      limits: {
        concurrency: number | null;
        inputTokens: number | null;
        outputTokens: number | null;
        requests: number | null;
      };
      /** @description after a 429, no call starts before this */
      pausedUntil: string | null;
      /** @description what executors hold for the lane, summed over those that reported in the last 10 s */
      queue: {
        byPriority: {
          [key: string]: number;
        };
        byReason: {
          [key: string]: number;
        };
        /** @description the caller's tenant only */
        byTenant: {
          [key: string]: number;
        };
        held: number;
        running: number;
      };
      totals: {
        calls: number;
        inputTokens: number;
        outputTokens: number;
        rateLimited: number;
      };
      updatedAt: string | null;
      windowSeconds: number;
    };
    LaneStatsInput: {
      /** @description what the lane's buckets hold now (null without a limit); below 0 after an overrun */
      available: {
        inputTokens: number | null;
        outputTokens: number | null;
        requests: number | null;
      };
      /** @description calls in flight on the lane, every executor and tenant */
      inFlight: number;
      /** @description the caller's tenant only */
      inFlightByTenant: {
        [key: string]: number;
      };
      /** @description `<provider>/<model>`: every call to it shares its limits */
      lane: string;
      /** @description what the provider's rate-limit headers last said */
      learned: {
        concurrency: number | null;
        inputTokens: number | null;
        outputTokens: number | null;
        requests: number | null;
      };
      /** @description in force per window: the configured ones, lowered to what the provider said */
      limits: {
        concurrency: number | null;
        inputTokens: number | null;
        outputTokens: number | null;
        requests: number | null;
      };
      /** @description after a 429, no call starts before this */
      pausedUntil: string | null;
      /** @description what executors hold for the lane, summed over those that reported in the last 10 s */
      queue: {
        byPriority: {
          [key: string]: number;
        };
        byReason: {
          [key: string]: number;
        };
        /** @description the caller's tenant only */
        byTenant: {
          [key: string]: number;
        };
        held: number;
        running: number;
      };
      totals: {
        calls: number;
        inputTokens: number;
        outputTokens: number;
        rateLimited: number;
      };
      updatedAt: string | null;
      windowSeconds: number;
    };
    QuarantinedEvent: {
      error: string;
      quarantinedAt: string;
      /** @enum {string} */
      reason: "undecodable" | "unknown_task" | "refused";
      seq: number;
      subject: string;
      taskId: string | null;
      type: string | null;
    };
    QuarantinedEventInput: {
      error: string;
      quarantinedAt: string;
      /** @enum {string} */
      reason: "undecodable" | "unknown_task" | "refused";
      seq: number;
      subject: string;
      taskId: string | null;
      type: string | null;
    };
    Schedule: {
      /** @enum {string} */
      catchUp: "none" | "latest" | "all";
      catchUpMax: number;
      createdAt: string;
      cron: string;
      endAt: string | null;
      firings: number;
      /** Format: uuid */
      id: string;
      /** @description the latest tick fired: its time, its task, when it fired */
      lastFiring: {
        at: string;
        /** Format: uuid */
        taskId: string;
        tick: string;
      } | null;
      /** @description the latest tick not fired: `overlap` (the previous firing still ran) or `missed` */
      lastSkip: {
        at: string;
        /** @enum {string} */
        reason: "overlap" | "missed";
        tick: string;
      } | null;
      name: string | null;
      /** @description the next five ticks (none while paused or after endAt) */
      nextRuns: string[];
      /** @enum {string} */
      overlap: "skip" | "queue" | "allow";
      paused: boolean;
      /** @description overlap queue: the tick waiting for the previous firing */
      queuedTick: string | null;
      skips: number;
      startAt: string | null;
      task: {
        [key: string]: unknown;
      };
      timezone: string;
      updatedAt: string;
    };
    ScheduleInput: {
      /** @enum {string} */
      catchUp: "none" | "latest" | "all";
      catchUpMax: number;
      createdAt: string;
      cron: string;
      endAt: string | null;
      firings: number;
      /** Format: uuid */
      id: string;
      /** @description the latest tick fired: its time, its task, when it fired */
      lastFiring: {
        at: string;
        /** Format: uuid */
        taskId: string;
        tick: string;
      } | null;
      /** @description the latest tick not fired: `overlap` (the previous firing still ran) or `missed` */
      lastSkip: {
        at: string;
        /** @enum {string} */
        reason: "overlap" | "missed";
        tick: string;
      } | null;
      name: string | null;
      /** @description the next five ticks (none while paused or after endAt) */
      nextRuns: string[];
      /** @enum {string} */
      overlap: "skip" | "queue" | "allow";
      paused: boolean;
      /** @description overlap queue: the tick waiting for the previous firing */
      queuedTick: string | null;
      skips: number;
      startAt: string | null;
      task: {
        [key: string]: unknown;
      };
      timezone: string;
      updatedAt: string;
    };
    Stats: {
      /**
       * @description what the caller's tasks cost by the price table, per UTC day for the last 30 days (oldest first, today last, so far), each task counted whole on the day it finished
       * @example {
       *       "todayUsd": 0.0412,
       *       "perDay": [
       *         {
       *           "day": "2026-11-25",
       *           "costUsd": 1.27
       *         },
       *         {
       *           "day": "2026-11-26",
       *           "costUsd": 0.0412
       *         }
       *       ]
       *     }
       */
      cost: {
        perDay: {
          costUsd: number;
          /** @description a UTC day, 2026-11-26 */
          day: string;
        }[];
        /** @description spent so far on the current UTC day */
        todayUsd: number;
      };
      /** @description every status, zero included */
      countsByStatus: {
        [key: string]: number;
      };
      /** @description every model lane: its limits, what its buckets hold, calls in flight, a 429's pause, totals, and what executors hold for it by priority and wait reason (lane-wide), and by tenant (the caller's own) */
      lanes: components["schemas"]["LaneStats"][];
      /** @description tasks that finished completed or failed in each of the last 60 minutes, oldest first */
      perMinute: {
        completed: number;
        failed: number;
        /** @description the minute's start, ISO-8601 UTC */
        minute: string;
      }[];
      /** @description events in the stream (any tenant's) not yet in the read model */
      projectorLagEvents: number;
      running: number;
      waiting: {
        awaitingParent: number;
        queued: number;
        scheduled: number;
      };
    };
    StatsInput: {
      /**
       * @description what the caller's tasks cost by the price table, per UTC day for the last 30 days (oldest first, today last, so far), each task counted whole on the day it finished
       * @example {
       *       "todayUsd": 0.0412,
       *       "perDay": [
       *         {
       *           "day": "2026-11-25",
       *           "costUsd": 1.27
       *         },
       *         {
       *           "day": "2026-11-26",
       *           "costUsd": 0.0412
       *         }
       *       ]
       *     }
       */
      cost: {
        perDay: {
          costUsd: number;
          /** @description a UTC day, 2026-11-26 */
          day: string;
        }[];
        /** @description spent so far on the current UTC day */
        todayUsd: number;
      };
      /** @description every status, zero included */
      countsByStatus: {
        [key: string]: number;
      };
      /** @description every model lane: its limits, what its buckets hold, calls in flight, a 429's pause, totals, and what executors hold for it by priority and wait reason (lane-wide), and by tenant (the caller's own) */
      lanes: components["schemas"]["LaneStatsInput"][];
      /** @description tasks that finished completed or failed in each of the last 60 minutes, oldest first */
      perMinute: {
        completed: number;
        failed: number;
        /** @description the minute's start, ISO-8601 UTC */
        minute: string;
      }[];
      /** @description events in the stream (any tenant's) not yet in the read model */
      projectorLagEvents: number;
      running: number;
      waiting: {
        awaitingParent: number;
        queued: number;
        scheduled: number;
      };
    };
    /**
     * @example {
     *       "id": "8d100074-3c1b-4f7e-9a55-1d2f6b0c7e21",
     *       "status": "completed",
     *       "prompt": "",
     *       "messages": [
     *         {
     *           "role": "user",
     *           "content": "What is the weather in Paris?"
     *         }
     *       ],
     *       "tools": [
     *         {
     *           "name": "get_weather",
     *           "inputSchema": {
     *             "type": "object",
     *             "properties": {
     *               "city": {
     *                 "type": "string"
     *               }
     *             },
     *             "required": [
     *               "city"
     *             ]
     *           }
     *         }
     *       ],
     *       "system": null,
     *       "model": "claude-sonnet-4-6",
     *       "maxTokens": 1024,
     *       "temperature": null,
     *       "runAt": null,
     *       "parentId": null,
     *       "parentIds": [],
     *       "onParentFailure": "cascade",
     *       "scheduleId": null,
     *       "scheduledFor": null,
     *       "attempts": 1,
     *       "maxAttempts": 3,
     *       "timeoutSeconds": 600,
     *       "output": "Let me look that up.",
     *       "content": [
     *         {
     *           "type": "text",
     *           "text": "Let me look that up."
     *         },
     *         {
     *           "type": "tool_use",
     *           "id": "toolu_01A",
     *           "name": "get_weather",
     *           "input": {
     *             "city": "Paris"
     *           }
     *         }
     *       ],
     *       "error": null,
     *       "usage": {
     *         "inputTokens": 412,
     *         "outputTokens": 58,
     *         "cacheCreationInputTokens": 0,
     *         "cacheReadInputTokens": 0
     *       },
     *       "costUsd": 0.002106,
     *       "cached": false,
     *       "stopReason": "tool_use",
     *       "cancelReason": null,
     *       "metadata": {},
     *       "priority": "normal",
     *       "webhook": null,
     *       "waiting": null,
     *       "mode": "now",
     *       "batchId": null,
     *       "createdAt": "2026-11-26T10:00:00.000Z",
     *       "updatedAt": "2026-11-26T10:00:01.200Z",
     *       "startedAt": "2026-11-26T10:00:00.050Z",
     *       "finishedAt": "2026-11-26T10:00:01.200Z",
     *       "quarantinedSeq": null
     *     }
     */
    Task: {
      attempts: number;
      /** @description with mode batch: the provider's id of the Message Batch its latest attempt went out in (null before the first, and while a retry waits for its next batch) */
      batchId: string | null;
      cache?: {
        ttlSeconds: number;
      };
      /** @description completed from the result cache, without a call */
      cached: boolean;
      cancelReason: string | null;
      /** @description every block of the reply in order — text, thinking, tool_use — ready to send back as an assistant turn */
      content:
        | (
            | {
                cacheControl?: {
                  /** @enum {string} */
                  ttl?: "5m" | "1h";
                  /** @enum {string} */
                  type: "ephemeral";
                };
                text: string;
                /** @enum {string} */
                type: "text";
              }
            | {
                signature: string;
                thinking: string;
                /** @enum {string} */
                type: "thinking";
              }
            | {
                data: string;
                /** @enum {string} */
                type: "redacted_thinking";
              }
            | {
                cacheControl?: {
                  /** @enum {string} */
                  ttl?: "5m" | "1h";
                  /** @enum {string} */
                  type: "ephemeral";
                };
                id: string;
                input: {
                  [key: string]: unknown;
                };
                name: string;
                /** @enum {string} */
                type: "tool_use";
              }
          )[]
        | null;
      /** @description what its attempts cost together, by the price table (USD) */
      costUsd: number;
      createdAt: string;
      error: {
        code: string;
        message: string;
      } | null;
      fallbackModels?: string[];
      finishedAt: string | null;
      /** Format: uuid */
      id: string;
      maxAttempts: number;
      maxTokens: number;
      messages?: {
        content:
          | string
          | (
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  text: string;
                  /** @enum {string} */
                  type: "text";
                }
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  source:
                    | {
                        /** Format: base64 */
                        data: string;
                        /** @enum {string} */
                        mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                        /** @enum {string} */
                        type: "base64";
                      }
                    | {
                        /** @enum {string} */
                        type: "url";
                        /** Format: uri */
                        url: string;
                      };
                  /** @enum {string} */
                  type: "image";
                }
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  citations?: {
                    enabled: boolean;
                  };
                  context?: string;
                  source:
                    | {
                        /** Format: base64 */
                        data: string;
                        /** @enum {string} */
                        mediaType: "application/pdf";
                        /** @enum {string} */
                        type: "base64";
                      }
                    | {
                        data: string;
                        /** @enum {string} */
                        mediaType: "text/plain";
                        /** @enum {string} */
                        type: "text";
                      }
                    | {
                        /** @enum {string} */
                        type: "url";
                        /** Format: uri */
                        url: string;
                      };
                  title?: string;
                  /** @enum {string} */
                  type: "document";
                }
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  id: string;
                  input: {
                    [key: string]: unknown;
                  };
                  name: string;
                  /** @enum {string} */
                  type: "tool_use";
                }
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  content?:
                    | string
                    | (
                        | {
                            cacheControl?: {
                              /** @enum {string} */
                              ttl?: "5m" | "1h";
                              /** @enum {string} */
                              type: "ephemeral";
                            };
                            text: string;
                            /** @enum {string} */
                            type: "text";
                          }
                        | {
                            cacheControl?: {
                              /** @enum {string} */
                              ttl?: "5m" | "1h";
                              /** @enum {string} */
                              type: "ephemeral";
                            };
                            source:
                              | {
                                  /** Format: base64 */
                                  data: string;
                                  /** @enum {string} */
                                  mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                                  /** @enum {string} */
                                  type: "base64";
                                }
                              | {
                                  /** @enum {string} */
                                  type: "url";
                                  /** Format: uri */
                                  url: string;
                                };
                            /** @enum {string} */
                            type: "image";
                          }
                      )[];
                  isError?: boolean;
                  toolUseId: string;
                  /** @enum {string} */
                  type: "tool_result";
                }
              | {
                  signature: string;
                  thinking: string;
                  /** @enum {string} */
                  type: "thinking";
                }
              | {
                  data: string;
                  /** @enum {string} */
                  type: "redacted_thinking";
                }
            )[];
        /** @enum {string} */
        role: "user" | "assistant";
      }[];
      metadata: {
        [key: string]: unknown;
      };
      /** @enum {string} */
      mode: "now" | "batch";
      model: string;
      /** @enum {string} */
      onParentFailure: "cascade" | "continue";
      /** @description the final text: the reply's text blocks, joined */
      output: string | null;
      outputSchema?: {
        [key: string]: unknown;
      };
      /**
       * Format: uuid
       * @description the first of `parentIds`: the task it was chained onto
       */
      parentId: string | null;
      /** @description every task it runs on, in order; empty for none */
      parentIds: string[];
      /** @enum {string} */
      priority: "low" | "normal" | "high";
      /** @description the prompt; empty when the task gave `messages` */
      prompt: string;
      /** @enum {string} */
      provider?: "anthropic" | "openai" | "fake";
      /** @description set when the read model could not apply an event of this task (that event's stream sequence; see GET /admin/quarantine): this answer was folded from the stream instead */
      quarantinedSeq: number | null;
      runAt: string | null;
      /** @description the schedule's tick it was fired for */
      scheduledFor: string | null;
      /**
       * Format: uuid
       * @description the schedule that fired it (see /schedules); null otherwise
       */
      scheduleId: string | null;
      /** @enum {string} */
      serviceTier?: "auto" | "standard_only";
      startedAt: string | null;
      /** @enum {string} */
      status:
        | "submitted"
        | "scheduled"
        | "awaiting_parent"
        | "queued"
        | "running"
        | "retrying"
        | "completed"
        | "failed"
        | "cancelled";
      /** @description why the model stopped: end_turn, max_tokens (the output was cut short), stop_sequence… */
      stopReason: string | null;
      stopSequences?: string[];
      system:
        | (
            | string
            | {
                cacheControl?: {
                  /** @enum {string} */
                  ttl?: "5m" | "1h";
                  /** @enum {string} */
                  type: "ephemeral";
                };
                text: string;
                /** @enum {string} */
                type: "text";
              }[]
          )
        | null;
      temperature: number | null;
      thinking?:
        | {
            budgetTokens: number;
            /** @enum {string} */
            type: "enabled";
          }
        | {
            /** @enum {string} */
            type: "adaptive";
          }
        | {
            /** @enum {string} */
            type: "disabled";
          };
      timeoutSeconds: number;
      toolChoice?:
        | {
            disableParallelToolUse?: boolean;
            /** @enum {string} */
            type: "auto";
          }
        | {
            disableParallelToolUse?: boolean;
            /** @enum {string} */
            type: "any";
          }
        | {
            disableParallelToolUse?: boolean;
            name: string;
            /** @enum {string} */
            type: "tool";
          }
        | {
            /** @enum {string} */
            type: "none";
          };
      tools?: {
        cacheControl?: {
          /** @enum {string} */
          ttl?: "5m" | "1h";
          /** @enum {string} */
          type: "ephemeral";
        };
        description?: string;
        inputSchema: {
          /** @enum {string} */
          type: "object";
        } & {
          [key: string]: unknown;
        };
        name: string;
      }[];
      topK?: number;
      topP?: number;
      updatedAt: string;
      usage: {
        cacheCreationInputTokens?: number;
        cacheReadInputTokens?: number;
        inputTokens: number;
        outputTokens: number;
      } | null;
      userId?: string;
      /** @description why a queued task is not running yet: its model lane paused after a 429 or out of budget, a concurrency cap, or its tenant over its spend limit; null otherwise. Waiting burns no attempt. */
      waiting: {
        lane: string;
        /** @enum {string} */
        reason: "rate_limited" | "lane_budget" | "lane_concurrency" | "tenant_concurrency" | "spend_limit";
        since: string;
        until: string | null;
      } | null;
      /** @description the task's own webhook, if it has one */
      webhook: {
        events?: (
          | "task.submitted"
          | "task.scheduled"
          | "task.awaiting_parent"
          | "task.queued"
          | "task.started"
          | "task.retrying"
          | "task.retry_requested"
          | "task.completed"
          | "task.failed"
          | "task.cancelled"
        )[];
        /** Format: uri */
        url: string;
      } | null;
    };
    /**
     * @example {
     *       "tasks": [
     *         {
     *           "prompt": "Summarise: …",
     *           "idempotencyKey": "doc-1"
     *         },
     *         {
     *           "prompt": "Translate to French: hello",
     *           "maxTokens": 64,
     *           "idempotencyKey": "doc-2"
     *         }
     *       ]
     *     }
     */
    TaskBatch: {
      tasks: {
        /** @description opt-in result cache (needs temperature 0): an identical request within ttlSeconds completes from the cache, with no call and no cost */
        cache?: {
          ttlSeconds: number;
        };
        delaySeconds?: number;
        /** @description tried in turn when the model is overloaded or unavailable after its retries */
        fallbackModels?: string[];
        /** @description as the Idempotency-Key header, for this item alone */
        idempotencyKey?: string;
        maxAttempts?: number;
        maxTokens?: number;
        /** @description the conversation (Claude's Messages API, camelCase): user and assistant turns, a final assistant turn as prefill, content as text or blocks (text, image, document, tool_use, tool_result, thinking) */
        messages?: {
          content:
            | string
            | (
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    text: string;
                    /** @enum {string} */
                    type: "text";
                  }
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    source:
                      | {
                          /** Format: base64 */
                          data: string;
                          /** @enum {string} */
                          mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                          /** @enum {string} */
                          type: "base64";
                        }
                      | {
                          /** @enum {string} */
                          type: "url";
                          /** Format: uri */
                          url: string;
                        };
                    /** @enum {string} */
                    type: "image";
                  }
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    citations?: {
                      enabled: boolean;
                    };
                    context?: string;
                    source:
                      | {
                          /** Format: base64 */
                          data: string;
                          /** @enum {string} */
                          mediaType: "application/pdf";
                          /** @enum {string} */
                          type: "base64";
                        }
                      | {
                          data: string;
                          /** @enum {string} */
                          mediaType: "text/plain";
                          /** @enum {string} */
                          type: "text";
                        }
                      | {
                          /** @enum {string} */
                          type: "url";
                          /** Format: uri */
                          url: string;
                        };
                    title?: string;
                    /** @enum {string} */
                    type: "document";
                  }
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    id: string;
                    input: {
                      [key: string]: unknown;
                    };
                    name: string;
                    /** @enum {string} */
                    type: "tool_use";
                  }
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    content?:
                      | string
                      | (
                          | {
                              cacheControl?: {
                                /** @enum {string} */
                                ttl?: "5m" | "1h";
                                /** @enum {string} */
                                type: "ephemeral";
                              };
                              text: string;
                              /** @enum {string} */
                              type: "text";
                            }
                          | {
                              cacheControl?: {
                                /** @enum {string} */
                                ttl?: "5m" | "1h";
                                /** @enum {string} */
                                type: "ephemeral";
                              };
                              source:
                                | {
                                    /** Format: base64 */
                                    data: string;
                                    /** @enum {string} */
                                    mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                                    /** @enum {string} */
                                    type: "base64";
                                  }
                                | {
                                    /** @enum {string} */
                                    type: "url";
                                    /** Format: uri */
                                    url: string;
                                  };
                              /** @enum {string} */
                              type: "image";
                            }
                        )[];
                    isError?: boolean;
                    toolUseId: string;
                    /** @enum {string} */
                    type: "tool_result";
                  }
                | {
                    signature: string;
                    thinking: string;
                    /** @enum {string} */
                    type: "thinking";
                  }
                | {
                    data: string;
                    /** @enum {string} */
                    type: "redacted_thinking";
                  }
              )[];
          /** @enum {string} */
          role: "user" | "assistant";
        }[];
        /** @description Your own JSON, kept with the task: at most 10 levels deep, 16384 bytes as JSON, keys of at most 256 characters */
        metadata?: {
          [key: string]: unknown;
        };
        /**
         * @description `now` (default): one streamed call as soon as the task is due. `batch`: sent with other tasks of its model through the provider's Message Batches API — half the price, results within 24 h (Anthropic and fake only)
         * @enum {string}
         */
        mode?: "now" | "batch";
        model?: string;
        /** @description structured output: a JSON Schema the final text must satisfy; a reply that does not is a failed attempt (output_invalid), retried by policy; a refusal fails the task at once (refused) */
        outputSchema?: {
          [key: string]: unknown;
        };
        /**
         * @description which work its model lane admits first (default normal); waiting work ages upwards, so low is never starved
         * @enum {string}
         */
        priority?: "low" | "normal" | "high";
        /** @description the shorthand for one user message; give it or `messages` */
        prompt?: string;
        /**
         * @description who serves it (default: the configured provider)
         * @enum {string}
         */
        provider?: "anthropic" | "openai" | "fake";
        /** Format: date-time */
        runAt?: string;
        /** @enum {string} */
        serviceTier?: "auto" | "standard_only";
        stopSequences?: string[];
        /** @description text, or text blocks (which may carry cacheControl) */
        system?:
          | string
          | {
              cacheControl?: {
                /** @enum {string} */
                ttl?: "5m" | "1h";
                /** @enum {string} */
                type: "ephemeral";
              };
              text: string;
              /** @enum {string} */
              type: "text";
            }[];
        /** @description 0–1 for Anthropic (and fake), 0–2 for an OpenAI-compatible provider */
        temperature?: number;
        /** @description extended thinking: {type:'enabled', budgetTokens ≥ 1024 and < maxTokens}, adaptive, or disabled */
        thinking?:
          | {
              budgetTokens: number;
              /** @enum {string} */
              type: "enabled";
            }
          | {
              /** @enum {string} */
              type: "adaptive";
            }
          | {
              /** @enum {string} */
              type: "disabled";
            };
        timeoutSeconds?: number;
        toolChoice?:
          | {
              disableParallelToolUse?: boolean;
              /** @enum {string} */
              type: "auto";
            }
          | {
              disableParallelToolUse?: boolean;
              /** @enum {string} */
              type: "any";
            }
          | {
              disableParallelToolUse?: boolean;
              name: string;
              /** @enum {string} */
              type: "tool";
            }
          | {
              /** @enum {string} */
              type: "none";
            };
        /** @description tools the model may call: name, description, inputSchema */
        tools?: {
          cacheControl?: {
            /** @enum {string} */
            ttl?: "5m" | "1h";
            /** @enum {string} */
            type: "ephemeral";
          };
          description?: string;
          inputSchema: {
            /** @enum {string} */
            type: "object";
          } & {
            [key: string]: unknown;
          };
          name: string;
        }[];
        topK?: number;
        topP?: number;
        /** @description a receiver for this task's events (Standard Webhooks, signed with the tenant's task-webhook secret from POST /webhooks/task-secret): `url` (http or https, refused when it resolves to a private address unless allowed by WEBHOOK_ALLOWED_HOSTS) and `events` (default task.completed, task.failed, task.cancelled) */
        webhook?: {
          events?: (
            | "task.submitted"
            | "task.scheduled"
            | "task.awaiting_parent"
            | "task.queued"
            | "task.started"
            | "task.retrying"
            | "task.retry_requested"
            | "task.completed"
            | "task.failed"
            | "task.cancelled"
          )[];
          /** Format: uri */
          url: string;
        };
      }[];
    };
    /**
     * @example {
     *       "tasks": [
     *         {
     *           "prompt": "Summarise: …",
     *           "idempotencyKey": "doc-1"
     *         },
     *         {
     *           "prompt": "Translate to French: hello",
     *           "maxTokens": 64,
     *           "idempotencyKey": "doc-2"
     *         }
     *       ]
     *     }
     */
    TaskBatchInput: {
      tasks: {
        /** @description opt-in result cache (needs temperature 0): an identical request within ttlSeconds completes from the cache, with no call and no cost */
        cache?: {
          ttlSeconds: number;
        };
        delaySeconds?: number;
        /** @description tried in turn when the model is overloaded or unavailable after its retries */
        fallbackModels?: string[];
        /** @description as the Idempotency-Key header, for this item alone */
        idempotencyKey?: string;
        maxAttempts?: number;
        maxTokens?: number;
        /** @description the conversation (Claude's Messages API, camelCase): user and assistant turns, a final assistant turn as prefill, content as text or blocks (text, image, document, tool_use, tool_result, thinking) */
        messages?: {
          content:
            | string
            | (
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    text: string;
                    /** @enum {string} */
                    type: "text";
                  }
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    source:
                      | {
                          /** Format: base64 */
                          data: string;
                          /** @enum {string} */
                          mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                          /** @enum {string} */
                          type: "base64";
                        }
                      | {
                          /** @enum {string} */
                          type: "url";
                          /** Format: uri */
                          url: string;
                        };
                    /** @enum {string} */
                    type: "image";
                  }
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    citations?: {
                      enabled: boolean;
                    };
                    context?: string;
                    source:
                      | {
                          /** Format: base64 */
                          data: string;
                          /** @enum {string} */
                          mediaType: "application/pdf";
                          /** @enum {string} */
                          type: "base64";
                        }
                      | {
                          data: string;
                          /** @enum {string} */
                          mediaType: "text/plain";
                          /** @enum {string} */
                          type: "text";
                        }
                      | {
                          /** @enum {string} */
                          type: "url";
                          /** Format: uri */
                          url: string;
                        };
                    title?: string;
                    /** @enum {string} */
                    type: "document";
                  }
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    id: string;
                    input: {
                      [key: string]: unknown;
                    };
                    name: string;
                    /** @enum {string} */
                    type: "tool_use";
                  }
                | {
                    cacheControl?: {
                      /** @enum {string} */
                      ttl?: "5m" | "1h";
                      /** @enum {string} */
                      type: "ephemeral";
                    };
                    content?:
                      | string
                      | (
                          | {
                              cacheControl?: {
                                /** @enum {string} */
                                ttl?: "5m" | "1h";
                                /** @enum {string} */
                                type: "ephemeral";
                              };
                              text: string;
                              /** @enum {string} */
                              type: "text";
                            }
                          | {
                              cacheControl?: {
                                /** @enum {string} */
                                ttl?: "5m" | "1h";
                                /** @enum {string} */
                                type: "ephemeral";
                              };
                              source:
                                | {
                                    /** Format: base64 */
                                    data: string;
                                    /** @enum {string} */
                                    mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                                    /** @enum {string} */
                                    type: "base64";
                                  }
                                | {
                                    /** @enum {string} */
                                    type: "url";
                                    /** Format: uri */
                                    url: string;
                                  };
                              /** @enum {string} */
                              type: "image";
                            }
                        )[];
                    isError?: boolean;
                    toolUseId: string;
                    /** @enum {string} */
                    type: "tool_result";
                  }
                | {
                    signature: string;
                    thinking: string;
                    /** @enum {string} */
                    type: "thinking";
                  }
                | {
                    data: string;
                    /** @enum {string} */
                    type: "redacted_thinking";
                  }
              )[];
          /** @enum {string} */
          role: "user" | "assistant";
        }[];
        /** @description Your own JSON, kept with the task: at most 10 levels deep, 16384 bytes as JSON, keys of at most 256 characters */
        metadata?: {
          [key: string]: unknown;
        };
        /**
         * @description `now` (default): one streamed call as soon as the task is due. `batch`: sent with other tasks of its model through the provider's Message Batches API — half the price, results within 24 h (Anthropic and fake only)
         * @enum {string}
         */
        mode?: "now" | "batch";
        model?: string;
        /** @description structured output: a JSON Schema the final text must satisfy; a reply that does not is a failed attempt (output_invalid), retried by policy; a refusal fails the task at once (refused) */
        outputSchema?: {
          [key: string]: unknown;
        };
        /**
         * @description which work its model lane admits first (default normal); waiting work ages upwards, so low is never starved
         * @enum {string}
         */
        priority?: "low" | "normal" | "high";
        /** @description the shorthand for one user message; give it or `messages` */
        prompt?: string;
        /**
         * @description who serves it (default: the configured provider)
         * @enum {string}
         */
        provider?: "anthropic" | "openai" | "fake";
        /** Format: date-time */
        runAt?: string;
        /** @enum {string} */
        serviceTier?: "auto" | "standard_only";
        stopSequences?: string[];
        /** @description text, or text blocks (which may carry cacheControl) */
        system?:
          | string
          | {
              cacheControl?: {
                /** @enum {string} */
                ttl?: "5m" | "1h";
                /** @enum {string} */
                type: "ephemeral";
              };
              text: string;
              /** @enum {string} */
              type: "text";
            }[];
        /** @description 0–1 for Anthropic (and fake), 0–2 for an OpenAI-compatible provider */
        temperature?: number;
        /** @description extended thinking: {type:'enabled', budgetTokens ≥ 1024 and < maxTokens}, adaptive, or disabled */
        thinking?:
          | {
              budgetTokens: number;
              /** @enum {string} */
              type: "enabled";
            }
          | {
              /** @enum {string} */
              type: "adaptive";
            }
          | {
              /** @enum {string} */
              type: "disabled";
            };
        timeoutSeconds?: number;
        toolChoice?:
          | {
              disableParallelToolUse?: boolean;
              /** @enum {string} */
              type: "auto";
            }
          | {
              disableParallelToolUse?: boolean;
              /** @enum {string} */
              type: "any";
            }
          | {
              disableParallelToolUse?: boolean;
              name: string;
              /** @enum {string} */
              type: "tool";
            }
          | {
              /** @enum {string} */
              type: "none";
            };
        /** @description tools the model may call: name, description, inputSchema */
        tools?: {
          cacheControl?: {
            /** @enum {string} */
            ttl?: "5m" | "1h";
            /** @enum {string} */
            type: "ephemeral";
          };
          description?: string;
          inputSchema: {
            /** @enum {string} */
            type: "object";
          } & {
            [key: string]: unknown;
          };
          name: string;
        }[];
        topK?: number;
        topP?: number;
        /** @description a receiver for this task's events (Standard Webhooks, signed with the tenant's task-webhook secret from POST /webhooks/task-secret): `url` (http or https, refused when it resolves to a private address unless allowed by WEBHOOK_ALLOWED_HOSTS) and `events` (default task.completed, task.failed, task.cancelled) */
        webhook?: {
          events?: (
            | "task.submitted"
            | "task.scheduled"
            | "task.awaiting_parent"
            | "task.queued"
            | "task.started"
            | "task.retrying"
            | "task.retry_requested"
            | "task.completed"
            | "task.failed"
            | "task.cancelled"
          )[];
          /** Format: uri */
          url: string;
        };
      }[];
    };
    TaskBatchResult: {
      tasks: (components["schemas"]["Task"] | components["schemas"]["Error"])[];
    };
    TaskBatchResultInput: {
      tasks: (components["schemas"]["TaskInput"] | components["schemas"]["ErrorInput"])[];
    };
    /**
     * @example {
     *       "id": "8d100074-3c1b-4f7e-9a55-1d2f6b0c7e21",
     *       "status": "completed",
     *       "prompt": "",
     *       "messages": [
     *         {
     *           "role": "user",
     *           "content": "What is the weather in Paris?"
     *         }
     *       ],
     *       "tools": [
     *         {
     *           "name": "get_weather",
     *           "inputSchema": {
     *             "type": "object",
     *             "properties": {
     *               "city": {
     *                 "type": "string"
     *               }
     *             },
     *             "required": [
     *               "city"
     *             ]
     *           }
     *         }
     *       ],
     *       "system": null,
     *       "model": "claude-sonnet-4-6",
     *       "maxTokens": 1024,
     *       "temperature": null,
     *       "runAt": null,
     *       "parentId": null,
     *       "parentIds": [],
     *       "onParentFailure": "cascade",
     *       "scheduleId": null,
     *       "scheduledFor": null,
     *       "attempts": 1,
     *       "maxAttempts": 3,
     *       "timeoutSeconds": 600,
     *       "output": "Let me look that up.",
     *       "content": [
     *         {
     *           "type": "text",
     *           "text": "Let me look that up."
     *         },
     *         {
     *           "type": "tool_use",
     *           "id": "toolu_01A",
     *           "name": "get_weather",
     *           "input": {
     *             "city": "Paris"
     *           }
     *         }
     *       ],
     *       "error": null,
     *       "usage": {
     *         "inputTokens": 412,
     *         "outputTokens": 58,
     *         "cacheCreationInputTokens": 0,
     *         "cacheReadInputTokens": 0
     *       },
     *       "costUsd": 0.002106,
     *       "cached": false,
     *       "stopReason": "tool_use",
     *       "cancelReason": null,
     *       "metadata": {},
     *       "priority": "normal",
     *       "webhook": null,
     *       "waiting": null,
     *       "mode": "now",
     *       "batchId": null,
     *       "createdAt": "2026-11-26T10:00:00.000Z",
     *       "updatedAt": "2026-11-26T10:00:01.200Z",
     *       "startedAt": "2026-11-26T10:00:00.050Z",
     *       "finishedAt": "2026-11-26T10:00:01.200Z",
     *       "quarantinedSeq": null
     *     }
     */
    TaskInput: {
      attempts: number;
      /** @description with mode batch: the provider's id of the Message Batch its latest attempt went out in (null before the first, and while a retry waits for its next batch) */
      batchId: string | null;
      cache?: {
        ttlSeconds: number;
      };
      /** @description completed from the result cache, without a call */
      cached: boolean;
      cancelReason: string | null;
      /** @description every block of the reply in order — text, thinking, tool_use — ready to send back as an assistant turn */
      content:
        | (
            | {
                cacheControl?: {
                  /** @enum {string} */
                  ttl?: "5m" | "1h";
                  /** @enum {string} */
                  type: "ephemeral";
                };
                text: string;
                /** @enum {string} */
                type: "text";
              }
            | {
                signature: string;
                thinking: string;
                /** @enum {string} */
                type: "thinking";
              }
            | {
                data: string;
                /** @enum {string} */
                type: "redacted_thinking";
              }
            | {
                cacheControl?: {
                  /** @enum {string} */
                  ttl?: "5m" | "1h";
                  /** @enum {string} */
                  type: "ephemeral";
                };
                id: string;
                input: {
                  [key: string]: unknown;
                };
                name: string;
                /** @enum {string} */
                type: "tool_use";
              }
          )[]
        | null;
      /** @description what its attempts cost together, by the price table (USD) */
      costUsd: number;
      createdAt: string;
      error: {
        code: string;
        message: string;
      } | null;
      fallbackModels?: string[];
      finishedAt: string | null;
      /** Format: uuid */
      id: string;
      maxAttempts: number;
      maxTokens: number;
      messages?: {
        content:
          | string
          | (
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  text: string;
                  /** @enum {string} */
                  type: "text";
                }
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  source:
                    | {
                        /** Format: base64 */
                        data: string;
                        /** @enum {string} */
                        mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                        /** @enum {string} */
                        type: "base64";
                      }
                    | {
                        /** @enum {string} */
                        type: "url";
                        /** Format: uri */
                        url: string;
                      };
                  /** @enum {string} */
                  type: "image";
                }
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  citations?: {
                    enabled: boolean;
                  };
                  context?: string;
                  source:
                    | {
                        /** Format: base64 */
                        data: string;
                        /** @enum {string} */
                        mediaType: "application/pdf";
                        /** @enum {string} */
                        type: "base64";
                      }
                    | {
                        data: string;
                        /** @enum {string} */
                        mediaType: "text/plain";
                        /** @enum {string} */
                        type: "text";
                      }
                    | {
                        /** @enum {string} */
                        type: "url";
                        /** Format: uri */
                        url: string;
                      };
                  title?: string;
                  /** @enum {string} */
                  type: "document";
                }
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  id: string;
                  input: {
                    [key: string]: unknown;
                  };
                  name: string;
                  /** @enum {string} */
                  type: "tool_use";
                }
              | {
                  cacheControl?: {
                    /** @enum {string} */
                    ttl?: "5m" | "1h";
                    /** @enum {string} */
                    type: "ephemeral";
                  };
                  content?:
                    | string
                    | (
                        | {
                            cacheControl?: {
                              /** @enum {string} */
                              ttl?: "5m" | "1h";
                              /** @enum {string} */
                              type: "ephemeral";
                            };
                            text: string;
                            /** @enum {string} */
                            type: "text";
                          }
                        | {
                            cacheControl?: {
                              /** @enum {string} */
                              ttl?: "5m" | "1h";
                              /** @enum {string} */
                              type: "ephemeral";
                            };
                            source:
                              | {
                                  /** Format: base64 */
                                  data: string;
                                  /** @enum {string} */
                                  mediaType: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
                                  /** @enum {string} */
                                  type: "base64";
                                }
                              | {
                                  /** @enum {string} */
                                  type: "url";
                                  /** Format: uri */
                                  url: string;
                                };
                            /** @enum {string} */
                            type: "image";
                          }
                      )[];
                  isError?: boolean;
                  toolUseId: string;
                  /** @enum {string} */
                  type: "tool_result";
                }
              | {
                  signature: string;
                  thinking: string;
                  /** @enum {string} */
                  type: "thinking";
                }
              | {
                  data: string;
                  /** @enum {string} */
                  type: "redacted_thinking";
                }
            )[];
        /** @enum {string} */
        role: "user" | "assistant";
      }[];
      metadata: {
        [key: string]: unknown;
      };
      /** @enum {string} */
      mode: "now" | "batch";
      model: string;
      /** @enum {string} */
      onParentFailure: "cascade" | "continue";
      /** @description the final text: the reply's text blocks, joined */
      output: string | null;
      outputSchema?: {
        [key: string]: unknown;
      };
      /**
       * Format: uuid
       * @description the first of `parentIds`: the task it was chained onto
       */
      parentId: string | null;
      /** @description every task it runs on, in order; empty for none */
      parentIds: string[];
      /** @enum {string} */
      priority: "low" | "normal" | "high";
      /** @description the prompt; empty when the task gave `messages` */
      prompt: string;
      /** @enum {string} */
      provider?: "anthropic" | "openai" | "fake";
      /** @description set when the read model could not apply an event of this task (that event's stream sequence; see GET /admin/quarantine): this answer was folded from the stream instead */
      quarantinedSeq: number | null;
      runAt: string | null;
      /** @description the schedule's tick it was fired for */
      scheduledFor: string | null;
      /**
       * Format: uuid
       * @description the schedule that fired it (see /schedules); null otherwise
       */
      scheduleId: string | null;
      /** @enum {string} */
      serviceTier?: "auto" | "standard_only";
      startedAt: string | null;
      /** @enum {string} */
      status:
        | "submitted"
        | "scheduled"
        | "awaiting_parent"
        | "queued"
        | "running"
        | "retrying"
        | "completed"
        | "failed"
        | "cancelled";
      /** @description why the model stopped: end_turn, max_tokens (the output was cut short), stop_sequence… */
      stopReason: string | null;
      stopSequences?: string[];
      system:
        | (
            | string
            | {
                cacheControl?: {
                  /** @enum {string} */
                  ttl?: "5m" | "1h";
                  /** @enum {string} */
                  type: "ephemeral";
                };
                text: string;
                /** @enum {string} */
                type: "text";
              }[]
          )
        | null;
      temperature: number | null;
      thinking?:
        | {
            budgetTokens: number;
            /** @enum {string} */
            type: "enabled";
          }
        | {
            /** @enum {string} */
            type: "adaptive";
          }
        | {
            /** @enum {string} */
            type: "disabled";
          };
      timeoutSeconds: number;
      toolChoice?:
        | {
            disableParallelToolUse?: boolean;
            /** @enum {string} */
            type: "auto";
          }
        | {
            disableParallelToolUse?: boolean;
            /** @enum {string} */
            type: "any";
          }
        | {
            disableParallelToolUse?: boolean;
            name: string;
            /** @enum {string} */
            type: "tool";
          }
        | {
            /** @enum {string} */
            type: "none";
          };
      tools?: {
        cacheControl?: {
          /** @enum {string} */
          ttl?: "5m" | "1h";
          /** @enum {string} */
          type: "ephemeral";
        };
        description?: string;
        inputSchema: {
          /** @enum {string} */
          type: "object";
        } & {
          [key: string]: unknown;
        };
        name: string;
      }[];
      topK?: number;
      topP?: number;
      updatedAt: string;
      usage: {
        cacheCreationInputTokens?: number;
        cacheReadInputTokens?: number;
        inputTokens: number;
        outputTokens: number;
      } | null;
      userId?: string;
      /** @description why a queued task is not running yet: its model lane paused after a 429 or out of budget, a concurrency cap, or its tenant over its spend limit; null otherwise. Waiting burns no attempt. */
      waiting: {
        lane: string;
        /** @enum {string} */
        reason: "rate_limited" | "lane_budget" | "lane_concurrency" | "tenant_concurrency" | "spend_limit";
        since: string;
        until: string | null;
      } | null;
      /** @description the task's own webhook, if it has one */
      webhook: {
        events?: (
          | "task.submitted"
          | "task.scheduled"
          | "task.awaiting_parent"
          | "task.queued"
          | "task.started"
          | "task.retrying"
          | "task.retry_requested"
          | "task.completed"
          | "task.failed"
          | "task.cancelled"
        )[];
        /** Format: uri */
        url: string;
      } | null;
    };
    TenantSettings: {
      maxConcurrent: number | null;
      spendLimit: {
        dailyTokens: number | null;
        dailyUsd: number | null;
        monthlyTokens: number | null;
        monthlyUsd: number | null;
      };
      tenant: string;
      usage: {
        day: {
          /** @description what those calls cost by the price table, USD */
          costUsd: number;
          /** @description the UTC day `2026-11-26` or month `2026-11` */
          period: string;
          /** @description when the period ends and its count starts again */
          resetsAt: string;
          /** @description input + output tokens of its finished calls */
          tokens: number;
        };
        month: {
          /** @description what those calls cost by the price table, USD */
          costUsd: number;
          /** @description the UTC day `2026-11-26` or month `2026-11` */
          period: string;
          /** @description when the period ends and its count starts again */
          resetsAt: string;
          /** @description input + output tokens of its finished calls */
          tokens: number;
        };
      };
      weight: number;
    };
    TenantSettingsInput: {
      maxConcurrent: number | null;
      spendLimit: {
        dailyTokens: number | null;
        dailyUsd: number | null;
        monthlyTokens: number | null;
        monthlyUsd: number | null;
      };
      tenant: string;
      usage: {
        day: {
          /** @description what those calls cost by the price table, USD */
          costUsd: number;
          /** @description the UTC day `2026-11-26` or month `2026-11` */
          period: string;
          /** @description when the period ends and its count starts again */
          resetsAt: string;
          /** @description input + output tokens of its finished calls */
          tokens: number;
        };
        month: {
          /** @description what those calls cost by the price table, USD */
          costUsd: number;
          /** @description the UTC day `2026-11-26` or month `2026-11` */
          period: string;
          /** @description when the period ends and its count starts again */
          resetsAt: string;
          /** @description input + output tokens of its finished calls */
          tokens: number;
        };
      };
      weight: number;
    };
    Webhook: {
      createdAt: string;
      description: string | null;
      enabled: boolean;
      events: (
        | "task.submitted"
        | "task.scheduled"
        | "task.awaiting_parent"
        | "task.queued"
        | "task.started"
        | "task.retrying"
        | "task.retry_requested"
        | "task.completed"
        | "task.failed"
        | "task.cancelled"
      )[];
      id: string;
      updatedAt: string;
      url: string;
    };
    WebhookDeliveryAttempt: {
      attempt: number;
      attemptedAt: string;
      error: string | null;
      eventType: string;
      id: string;
      latencyMs: number | null;
      /** @enum {string} */
      outcome: "delivered" | "failed" | "gave_up";
      /** @description the first KiB of the answer */
      responseExcerpt: string | null;
      statusCode: number | null;
      /** @description the subscription's id, or `task` for a task's own webhook */
      target: string;
      taskId: string;
      url: string;
      /** @description the webhook-id header: the same on every try of one delivery */
      webhookId: string;
    };
    WebhookDeliveryAttemptInput: {
      attempt: number;
      attemptedAt: string;
      error: string | null;
      eventType: string;
      id: string;
      latencyMs: number | null;
      /** @enum {string} */
      outcome: "delivered" | "failed" | "gave_up";
      /** @description the first KiB of the answer */
      responseExcerpt: string | null;
      statusCode: number | null;
      /** @description the subscription's id, or `task` for a task's own webhook */
      target: string;
      taskId: string;
      url: string;
      /** @description the webhook-id header: the same on every try of one delivery */
      webhookId: string;
    };
    WebhookInput: {
      createdAt: string;
      description: string | null;
      enabled: boolean;
      events: (
        | "task.submitted"
        | "task.scheduled"
        | "task.awaiting_parent"
        | "task.queued"
        | "task.started"
        | "task.retrying"
        | "task.retry_requested"
        | "task.completed"
        | "task.failed"
        | "task.cancelled"
      )[];
      id: string;
      updatedAt: string;
      url: string;
    };
    WebhookWithSecret: {
      createdAt: string;
      description: string | null;
      enabled: boolean;
      events: (
        | "task.submitted"
        | "task.scheduled"
        | "task.awaiting_parent"
        | "task.queued"
        | "task.started"
        | "task.retrying"
        | "task.retry_requested"
        | "task.completed"
        | "task.failed"
        | "task.cancelled"
      )[];
      id: string;
      /** @description whsec_…: verify signatures with it (Standard Webhooks). Shown this once. */
      secret: string;
      updatedAt: string;
      url: string;
    };
    WebhookWithSecretInput: {
      createdAt: string;
      description: string | null;
      enabled: boolean;
      events: (
        | "task.submitted"
        | "task.scheduled"
        | "task.awaiting_parent"
        | "task.queued"
        | "task.started"
        | "task.retrying"
        | "task.retry_requested"
        | "task.completed"
        | "task.failed"
        | "task.cancelled"
      )[];
      id: string;
      /** @description whsec_…: verify signatures with it (Standard Webhooks). Shown this once. */
      secret: string;
      updatedAt: string;
      url: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;

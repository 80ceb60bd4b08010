// The overview's "Model lanes": what each lane may spend per window against what it holds now, calls in flight,
// a 429's pause counting down, and what executors hold for it by priority and by why it waits.
import type { Stats } from "../api/stats.ts";
import { Empty } from "../components/problem.tsx";
import { useNow } from "../components/use-now.ts";
import { clock, count } from "../format.ts";

type Lane = Stats["lanes"][number];

const PRIORITY_ORDER = ["high", "normal", "low"] as const;
const LIMIT_WORDS = { requests: "requests", inputTokens: "input tokens", outputTokens: "output tokens" } as const;

export function LanesSection({ lanes }: { lanes: Lane[] }) {
  return (
    <section aria-labelledby="lanes-heading">
      <h2 id="lanes-heading">Model lanes</h2>
      {lanes.length === 0 ? (
        <Empty title="No model lane in use yet">
          A lane is one provider's model: its limits and queue show here once an executor has called it.
        </Empty>
      ) : (
        <div className="model-lanes">
          {lanes.map((lane) => (
            <LaneCard key={lane.lane} lane={lane} />
          ))}
        </div>
      )}
    </section>
  );
}

function LaneCard({ lane }: { lane: Lane }) {
  const { limits, available, queue } = lane;
  const per = lane.windowSeconds === 60 ? "min" : `${lane.windowSeconds} s`;
  const waiting = Object.entries(queue.byReason).filter(([, n]) => n > 0);
  const mine = Object.entries(queue.byTenant);
  const myCalls = Object.values(lane.inFlightByTenant).reduce((a, b) => a + b, 0);
  return (
    <article className="model-lane" aria-label={`Lane ${lane.lane}`}>
      <header className="model-lane-head">
        <h3 className="mono">{lane.lane}</h3>
        {lane.pausedUntil && <PausedUntil until={lane.pausedUntil} />}
      </header>
      <div className="model-lane-meters">
        <Meter label={`Requests per ${per}`} limit={limits.requests} available={available.requests} />
        <Meter label={`Input tokens per ${per}`} limit={limits.inputTokens} available={available.inputTokens} />
        <Meter label={`Output tokens per ${per}`} limit={limits.outputTokens} available={available.outputTokens} />
        <Meter
          label="Calls in flight"
          limit={limits.concurrency}
          available={limits.concurrency === null ? null : limits.concurrency - lane.inFlight}
          used={lane.inFlight}
        />
      </div>
      <dl className="model-lane-facts">
        <div>
          <dt>Held by executors</dt>
          <dd>
            {count(queue.held)} · {count(queue.running)} running
          </dd>
        </div>
        <div>
          <dt>Queue by priority</dt>
          <dd>{PRIORITY_ORDER.map((p) => `${p} ${count(queue.byPriority[p] ?? 0)}`).join(" · ")}</dd>
        </div>
        <div>
          <dt>Waiting by reason</dt>
          <dd>
            {waiting.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              waiting.map(([reason, n]) => (
                <span key={reason} className="waiting-badge" data-waiting={reason}>
                  {reason} {count(n)}
                </span>
              ))
            )}
          </dd>
        </div>
        <div>
          <dt>Yours</dt>
          <dd>
            {count(mine.reduce((a, [, n]) => a + n, 0))} held · {count(myCalls)} in flight
          </dd>
        </div>
        <div>
          <dt>Since first use</dt>
          <dd>
            {count(lane.totals.calls)} calls · {count(lane.totals.inputTokens)} in · {count(lane.totals.outputTokens)}{" "}
            out ·{" "}
            <span className={lane.totals.rateLimited > 0 ? "warn-text" : undefined}>
              {count(lane.totals.rateLimited)} × 429
            </span>
          </dd>
        </div>
      </dl>
      <LearnedNote lane={lane} />
    </article>
  );
}

/** Used against the limit as a bar: the part used is the limit less what the bucket holds now. */
function Meter(props: { label: string; limit: number | null; available: number | null; used?: number }) {
  const { label, limit, available } = props;
  if (limit === null) {
    return (
      <div className="meter-row">
        <span className="meter-label">{label}</span>
        <span className="meter-value muted">
          no limit known{props.used !== undefined ? ` · ${count(props.used)}` : ""}
        </span>
      </div>
    );
  }
  const used = Math.max(0, props.used ?? limit - (available ?? limit));
  const share = Math.min(1, used / limit);
  const tone = share >= 0.9 ? " full" : share >= 0.6 ? " busy" : "";
  return (
    <div className="meter-row">
      <span className="meter-label">{label}</span>
      <div className={`meter${tone}`} aria-hidden="true">
        <div className="meter-fill" style={{ width: `${share * 100}%` }} />
      </div>
      <span className="meter-value">
        {count(used)} / {count(limit)} used
      </span>
    </div>
  );
}

function PausedUntil({ until }: { until: string }) {
  const now = useNow(1000);
  const left = Date.parse(until) - now;
  return (
    <span className="model-lane-paused">
      paused until {clock(until)}
      {left > 0 ? ` · ${countdown(left)} left` : " · resuming"}
    </span>
  );
}

/** "1 min 05 s", "42 s": whole seconds, rounded up, so it never reads 0 s while still paused. */
function countdown(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${String(s % 60).padStart(2, "0")} s` : `${s} s`;
}

/** What the provider's rate-limit headers last said (the limits in force never exceed it). */
function LearnedNote({ lane }: { lane: Lane }) {
  if (lane.updatedAt === null) return <p className="small muted">Not called yet: only executors' queues know it.</p>;
  const said = (["requests", "inputTokens", "outputTokens"] as const)
    .filter((k) => lane.learned[k] !== null)
    .map((k) => `${LIMIT_WORDS[k]} ${count(lane.learned[k] ?? 0)}`);
  return (
    <p className="small muted">
      {said.length > 0 ? `The provider's headers said: ${said.join(" · ")} per window. ` : ""}Updated{" "}
      {clock(lane.updatedAt)}.
    </p>
  );
}

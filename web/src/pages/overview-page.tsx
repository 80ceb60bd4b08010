import { useEffect, useRef, useState } from "react";
import { type Stats, useStats } from "../api/stats.ts";
import { Problem } from "../components/problem.tsx";
import { count } from "../format.ts";
import { Link } from "../router.tsx";
import { usd } from "./cost.ts";
import { LanesSection } from "./lanes-section.tsx";

/** Lanes' buckets refill and pauses end with no task changing: the overview reads again this often. */
const LANES_REFRESH_MS = 5000;

export function OverviewPage() {
  const stats = useStats({ refetchMs: LANES_REFRESH_MS });
  return (
    <section className="page wide">
      <h1>Overview</h1>
      {stats.isPending && <p>Loading…</p>}
      {stats.isError && <Problem error={stats.error} title="Cannot load the overview" />}
      {stats.data && <OverviewBody stats={stats.data} />}
    </section>
  );
}

function OverviewBody({ stats }: { stats: Stats }) {
  const completed = stats.perMinute.reduce((n, m) => n + m.completed, 0);
  const failed = stats.perMinute.reduce((n, m) => n + m.failed, 0);
  const waiting = stats.waiting.queued + stats.waiting.scheduled + stats.waiting.awaitingParent;
  return (
    <>
      <div className="tiles">
        <Tile label="Running now" value={stats.running} to="/tasks?status=running" />
        <Tile
          label="Waiting"
          value={waiting}
          to="/tasks?status=queued,scheduled,awaiting_parent"
          detail={`${count(stats.waiting.queued)} queued · ${count(stats.waiting.scheduled)} scheduled · ${count(stats.waiting.awaitingParent)} awaiting parent`}
        />
        <Tile label="Completed, last hour" value={completed} to="/tasks?status=completed" />
        <Tile
          label="Failed, last hour"
          value={failed}
          to="/tasks?status=failed"
          tone={failed > 0 ? "bad" : undefined}
        />
        <Tile
          label="Cost today"
          value={stats.cost.todayUsd}
          shown={usd(stats.cost.todayUsd)}
          detail={`${usd(stats.cost.perDay.reduce((n, d) => n + d.costUsd, 0))} in the last ${stats.cost.perDay.length} days (UTC)`}
        />
        <Tile
          label="Projector lag"
          value={stats.projectorLagEvents}
          unit="events"
          detail={stats.projectorLagEvents === 0 ? "the read model is up to date" : "the read model trails the stream"}
          tone={stats.projectorLagEvents > 1000 ? "warn" : undefined}
        />
      </div>
      <h2>Finished per minute, last hour</h2>
      <ThroughputChart perMinute={stats.perMinute} />
      <h2>Cost per day, last {stats.cost.perDay.length} days</h2>
      <CostChart perDay={stats.cost.perDay} />
      <LanesSection lanes={stats.lanes} />
    </>
  );
}

/** `shown`: the value as it reads when a count is not the way (a cost). */
function Tile(props: {
  label: string;
  value: number;
  shown?: string;
  unit?: string;
  detail?: string;
  to?: string;
  tone?: string;
}) {
  const shown = props.shown ?? count(props.value);
  const body = (
    <>
      <span className="tile-label">{props.label}</span>
      <span className="tile-value">
        {shown}
        {props.unit && <small> {props.unit}</small>}
      </span>
      {props.detail && <span className="tile-detail">{props.detail}</span>}
    </>
  );
  const className = `tile${props.tone ? ` tone-${props.tone}` : ""}`;
  return (
    <section className={className} aria-label={`${props.label}: ${shown}`}>
      {props.to ? (
        <Link to={props.to} className="tile-body">
          {body}
        </Link>
      ) : (
        <div className="tile-body">{body}</div>
      )}
    </section>
  );
}

const H = 200;
const PAD = { left: 36, right: 12, top: 10, bottom: 24 };

/** The element's width in CSS pixels, kept up to date: the chart is drawn at it, so its text stays 11 px. */
function useWidth<T extends Element>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(Math.max(240, entry.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

/** Stacked bars, completed under failed, one per minute; an inline SVG with a text summary for screen readers. */
export function ThroughputChart({ perMinute }: { perMinute: Stats["perMinute"] }) {
  const [box, W] = useWidth<HTMLElement>(720);
  const max = Math.max(1, ...perMinute.map((m) => m.completed + m.failed));
  const top = niceCeil(max);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(1, perMinute.length);
  const y = (v: number) => PAD.top + innerH - (v / top) * innerH;
  const total = perMinute.reduce((n, m) => n + m.completed + m.failed, 0);
  const label = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (total === 0) {
    return (
      <div className="empty">
        <strong>Nothing finished in the last hour</strong>
        <div>
          <Link to="/new">Submit a task</Link> and it shows up here within the minute.
        </div>
      </div>
    );
  }
  return (
    <figure className="chart" ref={box}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${total} tasks finished in the last hour`}>
        <GridLines top={top} y={y} pad={PAD} width={W} label={count} />
        {perMinute.map((m, i) => {
          const x = PAD.left + i * slot + slot * 0.15;
          const w = slot * 0.7;
          return (
            <g key={m.minute}>
              <title>{`${label(m.minute)}: ${m.completed} completed, ${m.failed} failed`}</title>
              <rect x={x} width={w} y={y(m.completed)} height={y(0) - y(m.completed)} className="bar-completed" />
              <rect x={x} width={w} y={y(m.completed + m.failed)} height={y(0) - y(m.failed)} className="bar-failed" />
            </g>
          );
        })}
        {perMinute
          .map((m, i) => ({ m, i }))
          .filter(({ i }) => i % (W < 500 ? 30 : 15) === 0 || i === perMinute.length - 1)
          .map(({ m, i }) => {
            const edge = i === 0 ? "start" : i === perMinute.length - 1 ? "end" : "middle";
            const x = edge === "start" ? PAD.left : edge === "end" ? W - PAD.right : PAD.left + (i + 0.5) * slot;
            return (
              <text key={m.minute} x={x} y={H - 6} textAnchor={edge} className="axis">
                {label(m.minute)}
              </text>
            );
          })}
      </svg>
      <figcaption>
        <span className="legend legend-completed">completed</span> <span className="legend legend-failed">failed</span>
      </figcaption>
    </figure>
  );
}

/** Room on the left for dollar amounts. */
const COST_PAD = { ...PAD, left: 64 };

/** A chart's three horizontal lines (0, half, top), each with its value on the left axis. */
function GridLines(props: {
  top: number;
  y: (v: number) => number;
  pad: typeof PAD;
  width: number;
  label: (v: number) => string;
}) {
  const { top, y, pad, width, label } = props;
  return [0, top / 2, top].map((v) => (
    <g key={v}>
      <line x1={pad.left} x2={width - pad.right} y1={y(v)} y2={y(v)} className="grid-line" />
      <text x={pad.left - 6} y={y(v) + 4} textAnchor="end" className="axis">
        {label(v)}
      </text>
    </g>
  ));
}

/** What the tenant's finished tasks cost each UTC day, one bar a day, today last; a summary for screen readers. */
function CostChart({ perDay }: { perDay: Stats["cost"]["perDay"] }) {
  const [box, W] = useWidth<HTMLElement>(720);
  const total = perDay.reduce((n, d) => n + d.costUsd, 0);
  if (total === 0) {
    return (
      <div className="empty">
        <strong>Nothing spent in the last {perDay.length} days</strong>
        <div>A task's cost is its usage priced by the model's row in the price table, counted when it finishes.</div>
      </div>
    );
  }
  const top = niceCeil(Math.max(...perDay.map((d) => d.costUsd)));
  const innerH = H - COST_PAD.top - COST_PAD.bottom;
  const slot = (W - COST_PAD.left - COST_PAD.right) / perDay.length;
  const y = (v: number) => COST_PAD.top + innerH - (v / top) * innerH;
  const ends = [0, perDay.length - 1];
  return (
    <figure className="chart" ref={box}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${usd(total)} spent in the last ${perDay.length} days`}>
        <GridLines top={top} y={y} pad={COST_PAD} width={W} label={usd} />
        {perDay.map((d, i) => (
          <g key={d.day}>
            <title>{`${d.day}: ${usd(d.costUsd)}`}</title>
            <rect
              x={COST_PAD.left + i * slot + slot * 0.15}
              width={slot * 0.7}
              y={y(d.costUsd)}
              height={y(0) - y(d.costUsd)}
              className="bar-completed"
            />
          </g>
        ))}
        {ends.map((i) => (
          <text
            key={i}
            x={i === 0 ? COST_PAD.left : W - COST_PAD.right}
            y={H - 6}
            textAnchor={i === 0 ? "start" : "end"}
            className="axis"
          >
            {perDay[i]?.day}
          </text>
        ))}
      </svg>
    </figure>
  );
}

function niceCeil(n: number): number {
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (n <= m * p) return m * p;
  return 10 * p;
}

import type { TaskEvent } from "../api/client.ts";
import { clock, dateTime, duration } from "../format.ts";
import { type Lane, lanesOf, span } from "../pages/timeline.ts";
import { useNow } from "./use-now.ts";

/** One lane per attempt, each on a shared time axis, with its steps, their times and the waits between. */
export function Timeline({ events, live }: { events: readonly TaskEvent[]; live: boolean }) {
  const now = useNow(live ? 500 : 60_000);
  const lanes = lanesOf(events).filter((l) => l.steps.length > 0);
  if (lanes.length === 0) return <p className="muted">No events yet.</p>;
  const axis = span(lanes, now, live);
  const at = (iso: string) => ((Date.parse(iso) - axis.start) / (axis.end - axis.start)) * 100;
  return (
    <ol className="timeline" aria-label="Timeline">
      {lanes.map((lane) => (
        <li
          key={`${lane.title}-${lane.steps[0]?.time}`}
          className={`lane lane-${lane.outcome}`}
          aria-label={lane.title}
        >
          <div className="lane-head">
            <span>
              <strong>{lane.title}</strong>
              {lane.model && <span className="lane-model"> · {lane.model}</span>}
            </span>
            <span className={`lane-outcome outcome-${lane.outcome}`}>{outcomeLabel(lane, now, live)}</span>
          </div>
          <LaneBar lane={lane} at={at} now={now} live={live} />
          <ol className="steps">
            {lane.steps.map((s, j) => {
              const prev = lane.steps[j - 1];
              return (
                <li key={`${s.label}-${s.time}`} className={`step tone-${s.tone ?? "none"}`}>
                  <span className="step-label">{s.label}</span>
                  <time dateTime={s.time} title={dateTime(s.time)}>
                    {clock(s.time)}
                  </time>
                  {prev && <span className="muted">+{duration(Date.parse(s.time) - Date.parse(prev.time))}</span>}
                  {s.detail && <span className="step-detail">{s.detail}</span>}
                </li>
              );
            })}
          </ol>
          {lane.failure && (
            <div className="failure">
              <code>{lane.failure.code}</code> {lane.failure.message}
              <div className="muted">
                {lane.failure.retryAt
                  ? `retry at ${dateTime(lane.failure.retryAt)}`
                  : lane.failure.retryable
                    ? "will be retried"
                    : "not retryable"}
                {!lane.failure.counted && " · a wait the provider imposed: not counted as an attempt"}
              </div>
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}

function outcomeLabel(lane: Lane, now: number, live: boolean): string {
  const first = lane.steps[0];
  const last = lane.steps.at(-1);
  if (lane.outcome === "done" || !first || !last) return "";
  if (live && (lane.outcome === "running" || lane.outcome === "waiting")) {
    return `${lane.outcome} for ${duration(now - Date.parse(first.time))}`;
  }
  const took = first !== last ? ` after ${duration(Date.parse(last.time) - Date.parse(first.time))}` : "";
  return `${lane.outcome}${took}`;
}

function LaneBar({ lane, at, now, live }: { lane: Lane; at: (iso: string) => number; now: number; live: boolean }) {
  const first = lane.steps[0];
  const last = lane.steps.at(-1);
  if (!first || !last) return null;
  const ongoing = live && (lane.outcome === "running" || lane.outcome === "waiting");
  const left = at(first.time);
  const right = ongoing ? at(new Date(now).toISOString()) : at(last.time);
  return (
    <div className="lane-bar" aria-hidden="true">
      <div
        className={`bar bar-${lane.outcome}`}
        style={{ left: `${left}%`, width: `${Math.max(0.6, right - left)}%` }}
      />
      {lane.steps.map((s) => (
        <span
          key={`${s.label}-${s.time}`}
          className={`tick tone-${s.tone ?? "none"}`}
          style={{ left: `${at(s.time)}%` }}
        />
      ))}
    </div>
  );
}

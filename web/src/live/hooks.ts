import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { Task } from "../api/client.ts";
import { type Delta, live } from "./socket.ts";

export const useConnectionState = () =>
  useSyncExternalStore(
    live.onState,
    () => live.state,
    () => live.state,
  );

/** A task version replaces the one held unless it is older. */
export const isNewer = (incoming: Task, held: Task | undefined) =>
  held === undefined || Date.parse(incoming.updatedAt) >= Date.parse(held.updatedAt);

export const keepNewer = (incoming: Task, held: Task | undefined): Task =>
  held === undefined || isNewer(incoming, held) ? incoming : held;

/**
 * Every task of the caller as the WebSocket pushes it (subscribe `all`), in a map that changes in place;
 * the returned version bumps at most once per animation frame, so 10,000 pushes cost a few renders.
 */
export function useLiveTasks(onResume: () => void) {
  const tasks = useRef(new Map<string, Task>()).current;
  const [version, setVersion] = useState(0);
  const resume = useRef(onResume);
  resume.current = onResume;
  useEffect(() => {
    let frame = 0;
    const bump = () => {
      if (frame === 0)
        frame = requestAnimationFrame(() => {
          frame = 0;
          setVersion((v) => v + 1);
        });
    };
    const stop = live.follow({
      all: true,
      onTask(task) {
        if (!isNewer(task, tasks.get(task.id))) return;
        tasks.set(task.id, task);
        bump();
      },
      onResume: () => resume.current(),
    });
    return () => {
      stop();
      cancelAnimationFrame(frame);
    };
  }, [tasks]);
  return { tasks, version };
}

/** One task followed live: every new version goes into the query cache, and its output as it is generated. */
export function useFollowTask(taskId: string) {
  const queryClient = useQueryClient();
  const [output, setOutput] = useState<{ key: string; parts: Delta[] }>({ key: "", parts: [] });
  useEffect(() => {
    setOutput({ key: "", parts: [] });
    return live.follow({
      taskIds: [taskId],
      onTask(task) {
        queryClient.setQueryData<Task>(["task", task.id], (held) => keepNewer(task, held));
        live.sawChange(task.updatedAt);
      },
      onDelta(d: Delta) {
        // Indexes count per attempt: the latest attempt's text is shown, each piece once (a replay repeats them).
        const key = `${d.gen}:${d.attempt}`;
        setOutput((o) => {
          if (o.key !== "" && compareAttempt(key, o.key) < 0) return o;
          const parts = o.key === key ? [...o.parts] : [];
          if (parts[d.index] !== undefined) return o;
          parts[d.index] = d;
          return { key, parts };
        });
      },
      onResume: () => void queryClient.invalidateQueries({ queryKey: ["task", taskId] }),
    });
  }, [taskId, queryClient]);
  // Shown up to the first missing piece: never a hole in the middle of the text.
  let shown = 0;
  while (output.parts[shown] !== undefined) shown++;
  const received = output.parts.slice(0, shown);
  const of = (kind: Delta["kind"]) =>
    received
      .filter((d) => (d.kind ?? "text") === kind)
      .map((d) => d.text)
      .join("");
  return { streamed: of("text"), thinking: of("thinking"), streamedPieces: shown };
}

function compareAttempt(a: string, b: string): number {
  const [ga = 0, aa = 0] = a.split(":").map(Number);
  const [gb = 0, ab = 0] = b.split(":").map(Number);
  return ga - gb || aa - ab;
}

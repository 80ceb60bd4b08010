import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { components } from "@taskjet/client";
import { useEffect } from "react";
import { live } from "../live/socket.ts";
import { client, unwrap } from "./client.ts";

export type Stats = components["schemas"]["Stats"];

/** Refreshed when tasks change (pushed over the WebSocket), at most every few seconds; never while idle. */
const REFRESH_MS = 1000;

/** `refetchMs`: also read again this often (the overview's lanes change without any task changing). */
export function useStats(opts: { refetchMs?: number } = {}) {
  const queryClient = useQueryClient();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = live.follow({
      all: true,
      onTask() {
        timer ??= setTimeout(() => {
          timer = undefined;
          void queryClient.invalidateQueries({ queryKey: ["stats"] });
        }, REFRESH_MS);
      },
      onResume: () => void queryClient.invalidateQueries({ queryKey: ["stats"] }),
    });
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, [queryClient]);
  return useQuery({
    queryKey: ["stats"],
    queryFn: () => unwrap(client.GET("/stats")),
    staleTime: REFRESH_MS,
    // The per-minute chart slides on with the clock even when nothing changes.
    refetchInterval: opts.refetchMs ?? 60_000,
  });
}

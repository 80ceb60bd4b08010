import { useConnectionState } from "../live/hooks.ts";
import { live } from "../live/socket.ts";
import { useNow } from "./use-now.ts";

/** Live, connecting, or waiting to reconnect (with a countdown and a button to try at once). */
export function ConnectionIndicator() {
  const state = useConnectionState();
  const now = useNow(1000);
  if (state.kind === "live") {
    return (
      <output className="connection connection-live" aria-label="Connection: live" title="Updates arrive live">
        <span className="connection-dot" aria-hidden="true" /> Live
      </output>
    );
  }
  if (state.kind === "connecting") {
    return (
      <output className="connection connection-connecting" aria-label="Connection: connecting">
        <span className="connection-dot" aria-hidden="true" /> Connecting…
      </output>
    );
  }
  const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
  return (
    <span className="connection connection-down">
      <output aria-label="Connection: offline" title={state.reason}>
        <span className="connection-dot" aria-hidden="true" /> Offline — retrying in {seconds} s
      </output>
      <button type="button" className="link-button" onClick={() => live.retryNow()}>
        Reconnect now
      </button>
    </span>
  );
}

// The API key the console sends, kept for this browser session only (sessionStorage). Nothing asks for a key
// until the API answers 401 (a gateway with AUTH_MODE=required); then the key dialog opens, and again when the
// key is refused (revoked or expired). With auth off no key is ever asked for.
import { useSyncExternalStore } from "react";

const STORAGE = "taskjet.apiKey";

type AuthState = { key: string | null; needed: boolean; rejected: boolean };

let state: AuthState = { key: readStored(), needed: false, rejected: false };
const listeners = new Set<() => void>();

function readStored(): string | null {
  try {
    return sessionStorage.getItem(STORAGE);
  } catch {
    return null;
  }
}

function update(next: Partial<AuthState>) {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

export const auth = {
  get key() {
    return state.key;
  },
  /** The API answered 401: ask for a key (again, when the one we sent was refused). */
  required() {
    if (!state.needed) update({ needed: true, rejected: state.key !== null });
  },
  setKey(key: string) {
    try {
      sessionStorage.setItem(STORAGE, key);
    } catch {
      // private mode without storage: the key lives in memory until the tab closes
    }
    update({ key, needed: false, rejected: false });
  },
  forget() {
    try {
      sessionStorage.removeItem(STORAGE);
    } catch {}
    update({ key: null });
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export const useAuth = () =>
  useSyncExternalStore(
    auth.subscribe,
    () => state,
    () => state,
  );

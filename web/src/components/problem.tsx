import { ApiError } from "../api/client.ts";

/** An error as a person needs it: what happened, and what to do about it. */
export function Problem({ error, title }: { error: unknown; title?: string }) {
  const api = error instanceof ApiError ? error : null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="problem" role="alert">
      <strong>{title ?? "Something went wrong"}</strong>
      <p>{message}</p>
      {api?.hint && <p className="hint">{api.hint}</p>}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

import { type FormEvent, useEffect, useRef, useState } from "react";
import { auth, useAuth } from "../api/auth.ts";

/** Opens when the API answers 401: the key is kept for this browser session (sessionStorage) only. */
export function KeyDialog() {
  const { needed, rejected } = useAuth();
  const dialog = useRef<HTMLDialogElement>(null);
  const [key, setKey] = useState("");
  useEffect(() => {
    const d = dialog.current;
    if (needed && d && !d.open) d.showModal();
    if (!needed && d?.open) d.close();
  }, [needed]);
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (key.trim()) auth.setKey(key.trim());
    setKey("");
    location.reload();
  };
  return (
    <dialog ref={dialog} aria-labelledby="key-title" className="key-dialog">
      <form onSubmit={save}>
        <h2 id="key-title">{rejected ? "That API key was refused" : "An API key is needed"}</h2>
        <p>
          This gateway asks for an API key. It is kept for this browser session only and sent as{" "}
          <code>Authorization: Bearer …</code>. An admin creates one with <code>npm run keys -- create</code>.
        </p>
        <label>
          API key
          <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required />
        </label>
        <div className="actions">
          <button type="submit" className="primary">
            Use this key
          </button>
        </div>
      </form>
    </dialog>
  );
}

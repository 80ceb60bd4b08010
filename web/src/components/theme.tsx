import { useEffect, useState } from "react";

type Theme = "system" | "light" | "dark";
const STORAGE = "taskjet.theme";
const NEXT: Record<Theme, Theme> = { system: "dark", dark: "light", light: "system" };

function stored(): Theme {
  try {
    const t = localStorage.getItem(STORAGE);
    return t === "light" || t === "dark" ? t : "system";
  } catch {
    return "system";
  }
}

/** Follows the system's light or dark preference until chosen here; the choice is remembered. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(stored);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === "system") delete root.dataset.theme;
    else root.dataset.theme = theme;
    try {
      if (theme === "system") localStorage.removeItem(STORAGE);
      else localStorage.setItem(STORAGE, theme);
    } catch {}
  }, [theme]);
  return (
    <button
      type="button"
      className="theme-toggle"
      aria-label={`Theme: ${theme}. Switch to ${NEXT[theme]}`}
      title={`Theme: ${theme}`}
      onClick={() => setTheme(NEXT[theme])}
    >
      <span aria-hidden="true">{theme === "dark" ? "☾" : theme === "light" ? "☀" : "◐"}</span>
    </button>
  );
}

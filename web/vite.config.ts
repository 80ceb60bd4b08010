import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

/** `npm run -w web dev` proxies the API to a gateway on :8000 (`npm start`); the build is served by the gateway. */
const gateway = process.env.TASKJET_GATEWAY ?? "http://127.0.0.1:8000";
const api = ["/tasks", "/stats", "/health", "/ready", "/openapi.json", "/docs", "/admin", "/metrics"];

export default defineConfig({
  plugins: [react()],
  // @taskjet/client from its source: a checkout (and npm start) never builds the client's dist first.
  resolve: { conditions: ["@taskjet/source", ...defaultClientConditions] },
  build: { target: "es2022", sourcemap: true, reportCompressedSize: true },
  server: {
    proxy: Object.fromEntries([
      ...api.map((path) => [path, { target: gateway, bypass: htmlNavigation }]),
      ["/ws", { target: gateway, ws: true }],
    ]),
  },
});

/** A browser opening /tasks/… is a console page: let Vite serve index.html for it. */
function htmlNavigation(req: { headers: { accept?: string | undefined } }) {
  return req.headers.accept?.includes("text/html") ? "/index.html" : undefined;
}

# One image for every service; the command picks which one runs:
#   docker run taskjet services/gateway/src/main.ts
# The default (last) stage is that image, as Kubernetes runs it (each Deployment passes its service as args).
# docker-compose builds the named targets instead (gateway, scheduler, executor, projector, migrate): the same
# layers with the service's command as CMD, so each compose service has its own `build:` and image.
# Node 24 runs the TypeScript sources directly (type stripping), so only the console has a build stage.

# Every workspace's manifest: npm ci checks them all against the lock file.
FROM node:24-bookworm-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/events/package.json libs/events/
COPY libs/runtime/package.json libs/runtime/
COPY libs/read-model/package.json libs/read-model/
COPY libs/testkit/package.json libs/testkit/
COPY services/gateway/package.json services/gateway/
COPY services/scheduler/package.json services/scheduler/
COPY services/executor/package.json services/executor/
COPY services/projector/package.json services/projector/
COPY clients/typescript/package.json clients/typescript/
COPY clients/cli/package.json clients/cli/
COPY bench/package.json bench/
COPY tools/package.json tools/
COPY web/package.json web/

# The services' runtime dependencies only (no dev tools, no benchmark peers, no browser driver).
FROM manifests AS deps
RUN npm ci --omit=dev --workspaces --include-workspace-root=false --ignore-scripts --no-audit --no-fund

# The console's static files, built with Vite: the gateway serves them at /.
FROM manifests AS console
RUN npm ci --workspace web --include-workspace-root=false --ignore-scripts --no-audit --no-fund
COPY web ./web
# The console calls the API through @taskjet/client, bundled from its source.
COPY clients/typescript ./clients/typescript
RUN npm run build --workspace web

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY libs ./libs
COPY services ./services
COPY --from=console /app/web/dist ./web/dist
USER node
EXPOSE 8000
ENTRYPOINT ["node"]
CMD ["services/gateway/src/main.ts"]

FROM runtime AS gateway
CMD ["services/gateway/src/main.ts"]

FROM runtime AS scheduler
CMD ["services/scheduler/src/main.ts"]

FROM runtime AS executor
CMD ["services/executor/src/main.ts"]

FROM runtime AS projector
CMD ["services/projector/src/main.ts"]

# The one-shot migration step: brings the read model's schema up to date and exits.
FROM runtime AS migrate
CMD ["libs/read-model/src/migrate-main.ts"]

# The default target: the image for every service.
FROM runtime

# One image for every service; the command picks which one runs:
#   docker run taskjet services/gateway/src/main.ts
# Node 24 runs the TypeScript sources directly (type stripping), so there is no build stage to keep in step.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/events/package.json libs/events/
COPY libs/runtime/package.json libs/runtime/
COPY libs/testkit/package.json libs/testkit/
COPY services/gateway/package.json services/gateway/
COPY services/scheduler/package.json services/scheduler/
COPY services/executor/package.json services/executor/
COPY services/projector/package.json services/projector/
# The benchmark is a workspace too; its packages are dev-only, so the image installs none of them.
COPY bench/package.json bench/
RUN npm ci --omit=dev --workspaces --include-workspace-root=false --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY libs ./libs
COPY services ./services
USER node
EXPOSE 8000
ENTRYPOINT ["node"]
CMD ["services/gateway/src/main.ts"]

# Co-op Register: two stages, the same steps CI runs in scripts/prod-smoke.sh.
#   build:   all dependencies, then `npm run build` (Remix + the server bundle)
#   runtime: production dependencies only, the build copied in, non-root user
# Node 22 LTS (the app also runs on 20 and 24; see README "Node versions").
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The postinstall step applies scripts/patches (patch-package) in both stages.
COPY scripts/patches scripts/patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/patches scripts/patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/build build
COPY --from=build /app/public public
# The image's unprivileged user; the app writes nothing to its own folder.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM goes straight to node (no shell in between): the graceful stop in server/server.ts.
CMD ["node", "build/server.js"]

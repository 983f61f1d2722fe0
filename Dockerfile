# netvalue: one image for `serve` and `worker`. Compiled and bundled in one stage (dist/bundle:
# the service with its dependencies in a few files, which starts in about half the time), run as a
# non-root user. The sandboxes and the demo are compiled (the build type-checks them) but left out
# of the final image and its bundle: `netvalue demo` runs from a clone.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency install scripts; the build below is the only one needed.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY connectors ./connectors
COPY workers ./workers
COPY scripts ./scripts
RUN npx tsc -p tsconfig.build.json \
  && node scripts/bundle.js --without-demo \
  && rm -rf dist/connectors/*/sandbox dist/connectors/sandbox-kit dist/src/demo dist/src/cli/demo.js

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin/netvalue.js ./bin/netvalue.js
USER node
EXPOSE 3000
# /healthz answers while the process is alive; set NETVALUE_HEALTH_URL when server.port differs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch(process.env.NETVALUE_HEALTH_URL || 'http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["node", "bin/netvalue.js"]
CMD ["serve"]

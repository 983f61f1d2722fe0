# netvalue: one image for `serve` and `worker`.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
# .dockerignore leaves out connectors/*/sandbox, connectors/sandbox-kit and src/demo: the image runs
# serve, worker, sync, check and ranking; `netvalue demo` there exits 1 and says to use a clone.
COPY bin ./bin
COPY src ./src
COPY connectors ./connectors
COPY workers ./workers
COPY tsconfig.json ./
USER node
ENTRYPOINT ["node", "bin/netvalue.js"]
CMD ["serve"]

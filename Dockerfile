# netvalue: one image for `serve` and `worker`.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY connectors ./connectors
COPY workers ./workers
COPY tsconfig.json ./
USER node
ENTRYPOINT ["node", "bin/netvalue.js"]
CMD ["serve"]

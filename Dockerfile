# catalyst-bot image: a check stage type-checks the sources, the runtime stage holds production dependencies only.
# tsx is a runtime dependency: the bot runs its TypeScript directly, with no build output.

FROM node:20-bookworm-slim AS check
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc --noEmit

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/app/data \
    HTTP_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# Only what runs; copied from the check stage so an image never holds sources that failed to type-check.
COPY --from=check /app/bin ./bin
COPY --from=check /app/src ./src
COPY --from=check /app/workers ./workers
COPY --from=check /app/config ./config
RUN mkdir -p /app/data && chown node:node /app/data
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 8080 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: the bot itself gets SIGTERM from `docker stop` and shuts down gracefully.
CMD ["node", "bin/catalyst-bot.js", "start"]

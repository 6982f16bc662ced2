# One image for both processes: the api by default, the worker and the migrations by overriding the command.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 3001
# The V8 flags of `npm run start:api` / `start:worker` (see "Production" in the README), in the
# entrypoint so that a command naming the worker or the migrations keeps them.
ENTRYPOINT ["node", "--max-old-space-size=1024", "--no-allocation-site-pretenuring"]
# The api preloads its threadpool size (apps/api/src/threadpool.cts).
CMD ["--require", "./dist/apps/api/src/threadpool.cjs", "dist/apps/api/src/main.js"]

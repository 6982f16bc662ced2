# One image for both processes: the api by default, the worker and the migrations by overriding the command.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# The heap cap of `npm run start:api` / `start:worker`: the live heap under load is ~55 MB, and
# without a cap V8 lets garbage pile up to ~340 MB before a full collection.
ENV NODE_OPTIONS=--max-old-space-size=128
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 3001
CMD ["node", "dist/apps/api/src/main.js"]

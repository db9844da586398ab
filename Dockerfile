# syntax=docker/dockerfile:1
# The platform's image for the docker runtime (compose/docker-compose.yml, which
# `pnpm platform up --runtime docker` generates and builds): the monorepo with its
# dependencies, run by the unprivileged `node` user. Targets:
#   platform  the server, the worker, the query service and the one-shot setup jobs
#   webapp    the web UI's server with the built UI
# The build arguments' defaults are the pins of packages/services/src/versions.ts and of
# package.json's packageManager (a test keeps them equal); the compose file passes those.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS base
ARG PNPM_VERSION=10.34.9
RUN npm install --global "pnpm@${PNPM_VERSION}" && npm cache clean --force
WORKDIR /app

# DuckDB's httpfs extension for the query service, from the PyPI wheel built for the DuckDB
# version the monorepo pins (as scripts/install-services.sh installs it on a machine).
FROM base AS httpfs
ARG DUCKDB_HTTPFS_VERSION=1.5.5
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3-pip \
 && rm -rf /var/lib/apt/lists/*
RUN pip3 install --break-system-packages --no-cache-dir --target /opt/wheel "duckdb-extension-httpfs==${DUCKDB_HTTPFS_VERSION}" \
 && cp "/opt/wheel/duckdb_extension_httpfs/extensions/v${DUCKDB_HTTPFS_VERSION}/httpfs.duckdb_extension" /opt/httpfs.duckdb_extension

# Dependencies from the lockfile alone first (a cached layer until it changes), then the sources.
FROM base AS build
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
# The replication child precompiled (packages/server/dist): each sync attempt starts it without tsx.
RUN pnpm --filter @platform/server build-child

FROM base AS platform
COPY --from=httpfs /opt/httpfs.duckdb_extension /opt/duckdb/httpfs.duckdb_extension
# The code stays root's (read-only to the services); they write only to their volumes.
COPY --from=build /app /app
RUN mkdir -p /var/lib/airlock/worker /var/lib/airlock/query-spill \
 && chown -R node:node /var/lib/airlock
ENV DUCKDB_HTTPFS_EXTENSION=/opt/duckdb/httpfs.duckdb_extension
USER node

FROM build AS webapp-build
RUN pnpm --filter @platform/webapp run build

FROM platform AS webapp
COPY --from=webapp-build /app/packages/webapp/dist /app/packages/webapp/dist

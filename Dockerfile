# syntax=docker/dockerfile:1
# One image per role from the same code: docker build --build-arg ROLE=movies -t cinemaabyss-movies .
# Roles: all-in-one, monolith, movies, events, users, payments, auth, proxy (the gateway).
# Node 24 is an LTS line with years of security fixes left; package.json engines says which
# other lines the code still runs on (Node 20 reached end of life in April 2026).
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
# Behind a TLS-intercepting proxy (corporate networks, some CI), npm needs that proxy's CA: pass it,
# PEM text, with --build-arg EXTRA_CA_CERTS="$(cat ca.pem)". A CA certificate is public, not a
# secret; it is used for the npm steps only and not installed in the image.
ARG EXTRA_CA_CERTS=""
WORKDIR /app
COPY package.json package-lock.json ./
RUN if [ -n "$EXTRA_CA_CERTS" ]; then printf '%s\n' "$EXTRA_CA_CERTS" > /tmp/extra-ca.pem && export NODE_EXTRA_CA_CERTS=/tmp/extra-ca.pem; fi \
 && npm ci --no-audit --no-fund && rm -f /tmp/extra-ca.pem
COPY tsconfig.json build.mjs ./
COPY drizzle ./drizzle
COPY src ./src
RUN node build.mjs

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG EXTRA_CA_CERTS=""
ENV NODE_ENV=production \
    PGLITE_DATA_DIR=/data/pglite
WORKDIR /app
# Only the dependency the bundles leave outside (PGlite, with its WASM files).
COPY --from=build /app/dist/package.json ./package.json
RUN if [ -n "$EXTRA_CA_CERTS" ]; then printf '%s\n' "$EXTRA_CA_CERTS" > /tmp/extra-ca.pem && export NODE_EXTRA_CA_CERTS=/tmp/extra-ca.pem; fi \
 && npm install --omit=dev --no-audit --no-fund && npm cache clean --force && rm -f /tmp/extra-ca.pem
COPY --from=build /app/dist/drizzle ./drizzle
COPY --from=build /app/dist/assets ./assets
# Declared this late so that every step above is one cached layer shared by all the role images.
ARG ROLE=all-in-one
COPY --from=build /app/dist/${ROLE}.mjs ./app.mjs
RUN mkdir -p /data && chown node:node /data
# The image's unprivileged user (uid 1000); the chart also runs it with a read-only root filesystem.
USER node
# EXPOSE only documents; listing every role's default port (proxy, monolith, movies, events,
# users, payments, auth) keeps it true whichever ROLE the image was built for.
EXPOSE 8000 8080 8081 8082 8083 8084 8085
ENTRYPOINT ["node", "app.mjs"]

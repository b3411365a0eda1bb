# syntax=docker/dockerfile:1.7
# One image recipe for every app: docker build -f tools/docker/app.Dockerfile --build-arg APP=<app> .
# Stage 1 builds the app with Nx (webpack bundles the app and the libs it uses, and writes a
# package.json + lock with only the npm packages the bundle needs); stage 2 installs those
# production dependencies; stage 3 is the runtime: the current Node LTS, the build output only,
# a non-root user, no npm, no sources, no dev dependencies.
ARG NODE_IMAGE=node:26-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG APP
WORKDIR /workspace
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY nx.json tsconfig.base.json jest.preset.js eslint.config.mjs ./
COPY libs ./libs
COPY tools/webpack ./tools/webpack
COPY apps/${APP} ./apps/${APP}
RUN test -n "${APP}" || (echo "build with --build-arg APP=<app name>" && exit 1)
ENV NX_DAEMON=false NX_NO_CLOUD=true
RUN npx nx build ${APP} --configuration=production

FROM ${NODE_IMAGE} AS deps
ARG APP
WORKDIR /app
COPY --from=build /workspace/dist/apps/${APP}/package.json /workspace/dist/apps/${APP}/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production
WORKDIR /app
# The image's own npm and corepack are not needed to run, and only widen the attack surface.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /usr/local/bin/npm /usr/local/bin/npx
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /workspace/dist/apps/${APP} ./
USER node
# SIGTERM reaches node directly (exec form), which drains and exits gracefully.
STOPSIGNAL SIGTERM
CMD ["node", "main.js"]

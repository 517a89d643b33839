# syntax=docker/dockerfile:1
# One image per app of apps/: docker build --build-arg APP=imc-dispatcher -t <registry>/imc-dispatcher:<tag> .
# (scripts/build-images.sh builds them all). Multi-stage: the whole workspace is installed
# and built with turbo in `build`; `runtime` gets only production dependencies, the app's
# dist/ and the dist/ of the workspace packages, and runs as a non-root user.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG APP
RUN test -n "${APP}" || { echo "missing --build-arg APP=<one of apps/>" >&2; exit 1; }
WORKDIR /src
COPY . .
RUN test -f "apps/${APP}/package.json" || { echo "no app apps/${APP}" >&2; exit 1; }
RUN npm ci --no-audit --no-fund
# The app and the workspace packages it depends on (`<name>...`).
RUN npx turbo run build --filter="$(node -p "require('./apps/${APP}/package.json').name")..."
# Production dependencies of this app only, then everything but package.json and dist/.
RUN npm ci --omit=dev --no-audit --no-fund --workspace "apps/${APP}" \
  && find packages -mindepth 2 -maxdepth 2 ! -name dist ! -name package.json -exec rm -rf {} +

FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages ./packages
COPY --from=build /src/apps/${APP}/package.json ./apps/${APP}/
COPY --from=build /src/apps/${APP}/dist ./apps/${APP}/dist
WORKDIR /app/apps/${APP}
# The node image's `node` user, numeric so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080 9090
CMD ["node", "dist/main.js"]

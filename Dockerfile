# Application image for the production-like stack (temporal-dev.yml): one image, three process
# entries chosen by the compose `command` (npm run migrate | worker | api). TypeScript runs through
# tsx, so there is no compile step; only the workflow code is pre-bundled.
FROM node:20-bookworm-slim

WORKDIR /app

ENV NPM_CONFIG_UPDATE_NOTIFIER=false

# Dependencies first, so this layer is reused while package-lock.json is unchanged. A full `npm ci`
# (not --omit=dev): the image builds the workflow bundle and must match the lockfile exactly.
COPY package.json package-lock.json .npmrc ./
RUN npm ci && npm cache clean --force

COPY . .

# Pre-bundle the workflow code; the worker loads it when WORKFLOW_BUNDLE=/app/dist/workflows.js
# (set by temporal-dev.yml), instead of bundling with webpack at every start.
RUN npm run build:workflows && test -s /app/dist/workflows.js

# The web UI (docs/ui.md): `npm run api` serves ui/dist as built here.
RUN npm run build:ui && test -s /app/ui/dist/index.html

# Run as the unprivileged `node` user; DATA_DIR (./data) is its only writable folder in /app.
RUN mkdir -p /app/data && chown node:node /app/data
USER node

EXPOSE 3000
CMD ["npm", "run", "api"]

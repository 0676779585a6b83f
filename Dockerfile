# yeyak: the built server and web app on Node 20, run as the unprivileged `node` user.
# Build: docker build -t yeyak .   Run: see compose.yaml.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# TypeScript → dist/, the web app → web/dist/; then only what runs is kept.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0 YEYAK_DATA=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
# /health answers 200 while the database answers (503 otherwise).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# A young generation of 2 × 8 MiB (V8 default 2 × 16 MiB) keeps an idle server ≈ 16 MiB smaller; see bin/yeyak.
ENTRYPOINT ["node", "--max-semi-space-size=8", "bin/yeyak"]
CMD ["serve"]

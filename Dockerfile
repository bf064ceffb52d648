# syntax=docker/dockerfile:1
# backcheck as a container: built with the locked dependencies, run as a non-root user on a
# small Debian image. No token or secret is baked in: pass them at run time, e.g.
#
#   docker build -t backcheck .
#   docker run -d --name backcheck -v backcheck-data:/data \
#     -e TELOXIDE_TOKEN=... backcheck                          # one replica, sled, polling
#   docker run -d -p 8443:8443 -e TELOXIDE_TOKEN=... -e BACKCHECK_WEBHOOK_SECRET=... \
#     -e BACKCHECK_DATABASE_URL=postgres://... backcheck run --webhook   # one of N replicas
#
# See README.md, "Operating backcheck".

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
# The registry and target folders are build caches (BuildKit), kept between builds.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin backcheck \
    && cp target/release/backcheck /usr/local/bin/backcheck

FROM debian:bookworm-slim
# ca-certificates: the bot talks to api.telegram.org over HTTPS (rustls with the system roots).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin backcheck \
    && mkdir -p /data && chown backcheck:backcheck /data
COPY --from=build /usr/local/bin/backcheck /usr/local/bin/backcheck
USER backcheck
WORKDIR /data
# The sled database (one replica); unused with PostgreSQL.
ENV BACKCHECK_DATA_DIR=/data/db
VOLUME ["/data"]
# Webhook mode's listener (also /healthz and /metrics) on all interfaces of the container.
EXPOSE 8443
# In webhook mode the listener answers /healthz. In polling mode set [http] listen =
# "0.0.0.0:8443" (a mounted config file) for this check to find it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8443 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '^HTTP/1.[01] 200' <&3"]
ENTRYPOINT ["/usr/local/bin/backcheck"]
CMD ["run"]

# syntax=docker/dockerfile:1
# gatehouse: build stage with the native toolchain, slim non-root runtime.
#   docker build -t gatehouse .
#   docker run -d --name gatehouse -p 2222:2222 -p 8080:8080 \
#     -v gatehouse-data:/var/lib/gatehouse -v gatehouse-recordings:/var/lib/gatehouse/recordings gatehouse
#   Command targets also need user namespaces, which Docker's default seccomp profile refuses:
#   add --security-opt seccomp=unconfined (or a profile allowing unshare(CLONE_NEWUSER|CLONE_NEWPID)),
#   never --security-opt no-new-privileges (it voids setpriv's capability); see the README.
#   docker exec gatehouse gatehouse keys          # the line for the targets' authorized_keys
# The RUN steps of the build stage are scripts/docker-build-steps.sh, which CI runs without Docker.
# Base images are pinned to an exact Node release; pin digests too (FROM image@sha256:...) in
# a registry-connected pipeline.

ARG NODE_VERSION=20.20.2

FROM node:${NODE_VERSION}-bookworm AS build
# The full bookworm image already carries python3, make and g++ for the native modules
# (ssh2's crypto binding, cpu-features, sqlite3, node-pty); the script checks they are there.
WORKDIR /build
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts/docker-build-steps.sh scripts/
COPY bin/ bin/
COPY src/ src/
RUN bash scripts/docker-build-steps.sh --in-place /build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# tini as PID 1: forwards SIGTERM/SIGHUP to gatehouse and reaps the orphans of command targets.
# Command targets run as their run-as account (README, "Command targets"): setpriv switches to it,
# so setpriv alone gets CAP_SETUID and CAP_SETGID (a file capability; gatehouse's node process has
# none) and only the gatehouse group may run it. A run-as account is never in that group.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini libcap2-bin \
 && groupadd --system --gid 10001 gatehouse \
 && useradd --system --uid 10001 --gid gatehouse --home-dir /var/lib/gatehouse --shell /usr/sbin/nologin gatehouse \
 && chgrp gatehouse /usr/bin/setpriv \
 && chmod 0750 /usr/bin/setpriv \
 && setcap cap_setuid,cap_setgid+ep /usr/bin/setpriv \
 && apt-get purge -y --auto-remove libcap2-bin \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/gatehouse/recordings /etc/gatehouse \
 && chown -R gatehouse:gatehouse /var/lib/gatehouse \
 && chmod 0700 /var/lib/gatehouse \
 && chmod 0750 /var/lib/gatehouse/recordings
WORKDIR /opt/gatehouse
# GLIBC_TUNABLES: as config/gatehouse.service (why: there).
ENV NODE_ENV=production \
    GATEHOUSE_CONFIG=/etc/gatehouse/gatehouse.yaml \
    GLIBC_TUNABLES=glibc.malloc.trim_threshold=67108864:glibc.malloc.top_pad=16777216
COPY --from=build /build/package.json ./
COPY --from=build /build/node_modules/ node_modules/
COPY --from=build /build/dist/ dist/
COPY --from=build /build/bin/ bin/
COPY config/docker.yaml /etc/gatehouse/gatehouse.yaml
RUN ln -s /opt/gatehouse/bin/gatehouse.js /usr/local/bin/gatehouse
VOLUME ["/var/lib/gatehouse", "/var/lib/gatehouse/recordings"]
EXPOSE 2222 8080
USER gatehouse
# --local: config, keys, database, recordings; not the targets (a target outage is not ours).
# It runs PRAGMA integrity_check and walks the audit chain, both proportional to the database:
# hence every 5 minutes, not every few seconds.
HEALTHCHECK --interval=5m --timeout=60s --start-period=30s --retries=3 \
  CMD ["node", "/opt/gatehouse/bin/gatehouse.js", "doctor", "--local", "--config", "/etc/gatehouse/gatehouse.yaml"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/opt/gatehouse/bin/gatehouse.js"]
CMD ["serve"]

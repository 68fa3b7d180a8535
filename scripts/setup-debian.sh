#!/usr/bin/env bash
# System packages gatehouse and its tests need on a fresh Debian machine (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  openssh-server openssh-client sqlite3 asciinema chromium python3 make g++ ca-certificates \
  postgresql postgresql-contrib >/dev/null
# The PostgreSQL tests start their own throwaway cluster (test/helpers/postgres-server.ts): the
# packaged service need not run.
# sshd refuses to start without its privilege-separation folder.
mkdir -p /run/sshd
# The unprivileged account the tests' command targets run as (--run-as), with a supplementary
# group so the tests can see groups applied (test/helpers/run-as.ts).
getent group gatehouse-runas-extra >/dev/null || groupadd --system gatehouse-runas-extra
getent passwd gatehouse-runas >/dev/null ||
  useradd --system --user-group --groups gatehouse-runas-extra \
    --home-dir /var/lib/gatehouse-runas --create-home --shell /usr/sbin/nologin gatehouse-runas
echo "setup-debian: system packages installed"

#!/usr/bin/env bash
# System packages gatehouse and its tests need on a fresh Debian machine (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  openssh-server openssh-client sqlite3 asciinema chromium python3 make g++ ca-certificates >/dev/null
# sshd refuses to start without its privilege-separation folder.
mkdir -p /run/sshd
echo "setup-debian: system packages installed"

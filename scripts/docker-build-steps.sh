#!/usr/bin/env bash
# The Dockerfile's build stage, as a script CI can run without a Docker engine.
#
#   scripts/docker-build-steps.sh --in-place DIR   what the Dockerfile runs: in DIR (package files,
#                                                  tsconfigs, bin/, src/ already copied there)
#                                                  npm ci with the native builds, tsc build, prune
#                                                  dev dependencies, smoke test.
#   scripts/docker-build-steps.sh                  CI: copy exactly what the Dockerfile copies into
#                                                  a temp dir, run the steps there, then lay out
#                                                  the runtime stage (package.json, node_modules,
#                                                  dist, bin) in a second temp dir and smoke test it.
# Ends with `docker-build-steps: ok` and exit 0, or a `docker-build-steps: FAILED ...` line and exit 1.
set -euo pipefail

say() { printf 'docker-build-steps: %s\n' "$*"; }
die() { say "FAILED: $*" >&2; exit 1; }

# The native modules the runtime needs, each loaded by name.
NATIVE_MODULES=(sqlite3 node-pty ssh2)

smoke_test() {
  local dir=$1
  (cd "$dir" && node bin/gatehouse.js --help >/dev/null) || die "node bin/gatehouse.js --help fails in $dir"
  (cd "$dir" && node bin/gatehouse.js --help | grep -q 'doctor') || die "--help in $dir does not list doctor"
  for m in "${NATIVE_MODULES[@]}"; do
    (cd "$dir" && node -e "require(process.argv[1])" "$m") || die "$m does not load in $dir"
  done
  # ssh2's optional native crypto binding: absent means a slower pure-JS fallback, not a failure.
  if ! (cd "$dir" && node -e "require('ssh2/lib/protocol/crypto/build/Release/sshcrypto.node')" 2>/dev/null); then
    say "note: ssh2's native crypto binding was not built (pure-JS fallback in use)"
  fi
}

build_in_place() {
  local dir=$1
  cd "$dir"
  for tool in python3 make g++ node npm; do
    command -v "$tool" >/dev/null || die "$tool is missing (the build stage needs python3, make and g++ for native modules)"
  done
  say "npm ci (with native builds)"
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci"
  say "npm run build"
  npm run build --silent || die "npm run build (tsc)"
  say "npm prune --omit=dev"
  npm prune --omit=dev --no-audit --no-fund --loglevel=error || die "npm prune --omit=dev"
  [ ! -e node_modules/typescript ] || die "dev dependencies left in node_modules after prune"
  [ -f dist/cli/main.js ] || die "dist/cli/main.js was not built"
  smoke_test "$dir"
}

if [ "${1:-}" = "--in-place" ]; then
  [ -n "${2:-}" ] || die "usage: $0 [--in-place DIR]"
  build_in_place "$2"
  say ok
  exit 0
fi
[ $# -eq 0 ] || die "usage: $0 [--in-place DIR]"

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-docker-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
started=$SECONDS

# The build stage's COPY lines.
mkdir -p "$work/build/scripts" "$work/runtime"
cp "$repo/package.json" "$repo/package-lock.json" "$repo/tsconfig.json" "$repo/tsconfig.build.json" "$work/build/"
cp "$repo/scripts/docker-build-steps.sh" "$work/build/scripts/"
cp -R "$repo/bin" "$repo/src" "$work/build/"
(build_in_place "$work/build") || exit 1

# The runtime stage's COPY --from=build lines, then the image's config file.
cp "$work/build/package.json" "$work/runtime/"
cp -R "$work/build/node_modules" "$work/build/dist" "$work/build/bin" "$work/runtime/"
smoke_test "$work/runtime"
state="$work/state"
mkdir -p "$state/recordings"
sed "s#/var/lib/gatehouse#$state#g" "$repo/config/docker.yaml" >"$work/gatehouse.yaml"
(cd "$work/runtime" && node bin/gatehouse.js --config "$work/gatehouse.yaml" keys >/dev/null) \
  || die "gatehouse keys fails with config/docker.yaml"
(cd "$work/runtime" && node bin/gatehouse.js --config "$work/gatehouse.yaml" target list >/dev/null) \
  || die "gatehouse target list fails with config/docker.yaml"
say "took $((SECONDS - started))s"
say ok

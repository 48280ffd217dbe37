#!/usr/bin/env bash
# Installs Lifeline from the action's own checkout: build, pack, and a global install of the
# tarball into the runner's temporary directory, the same way docs/ci.md installs it.
set -euo pipefail
: "${ACTION_PATH:?the checkout of the action}" "${RUNNER_TEMP:?set by the runner}"
prefix="$RUNNER_TEMP/lifeline"
if [ -x "$prefix/bin/lifeline" ]; then
  echo "$prefix/bin" >> "$GITHUB_PATH"
  exit 0
fi
build="$RUNNER_TEMP/lifeline-build"
rm -rf "$build"
mkdir -p "$build" "$prefix"
# The sources only: never the action checkout's own node_modules or build output.
tar -C "$ACTION_PATH" --exclude=./node_modules --exclude=./dist --exclude=./.git -cf - . | tar -C "$build" -xf -
cd "$build"
npm ci --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error
npm run build --silent
tarball=$(npm pack --ignore-scripts --silent)
npm install --global --prefix "$prefix" --prefer-offline --no-audit --no-fund --loglevel=error "$build/$tarball"
rm -rf "$build"
echo "$prefix/bin" >> "$GITHUB_PATH"
"$prefix/bin/lifeline" --version

#!/usr/bin/env bash
# Install arRPC (arrpc-bun, run by Bun), a real Discord IPC peer, from npm into DIR, for the
# smoke test's discord-check in the workflows. Same packages and versions as .ci/run: keep the
# two in step. tests/helpers/arrpc.py finds it through CODEX_PRESENCE_ARRPC_DIR=DIR.
#
#     bash packaging/install_arrpc.sh "$RUNNER_TEMP/arrpc"
set -euo pipefail
dir=${1:?usage: install_arrpc.sh DIR}
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || npm init -y >/dev/null
# Once more on failure: a registry hiccup should not fail a release.
npm install --no-audit --no-fund bun@1.4.5 arrpc-bun@1.3.6 \
    || npm install --no-audit --no-fund bun@1.4.5 arrpc-bun@1.3.6
"$dir/node_modules/.bin/bun" --version
test -f "$dir/node_modules/arrpc-bun/src/index.ts"

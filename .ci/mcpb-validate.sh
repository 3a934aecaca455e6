#!/usr/bin/env bash
# Build the Claude Desktop bundle (`chatlog-tray clients bundle`) and validate its manifest with
# the official MCP Bundle CLI (@anthropic-ai/mcpb, pinned with its whole tree in .ci/mcpb).
#
# Node comes from the same npm package and version .ci/conformance.sh uses (.tools/node22).
# The bundle is built with a throwaway token from the environment, so no keychain is needed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
node_version="$(sed -n 's/^NODE_VERSION=\([0-9.]*\).*/\1/p' .ci/conformance.sh)"
case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;;
  *) echo "[mcpb] unsupported CPU $(uname -m)" >&2; exit 3 ;; esac
node_bin=".tools/node22/node_modules/node-linux-$arch/bin"
npm_quiet() {
  timeout 300 npm "$@" --no-audit --no-fund --no-update-notifier --loglevel=error </dev/null >&2
}
if [[ "$("$node_bin/node" --version 2>/dev/null)" != "v$node_version" ]]; then
  echo "[mcpb] installing Node $node_version" >&2
  rm -rf .tools/node22 && mkdir -p .tools/node22
  printf '{"private":true}\n' >.tools/node22/package.json
  npm_quiet install --prefix .tools/node22 --ignore-scripts --save-exact "node-linux-$arch@$node_version"
fi
export PATH="$root/$node_bin:$PATH"

tools=.tools/mcpb
want="$(cat .ci/mcpb/package.json .ci/mcpb/package-lock.json | sha256sum | cut -d' ' -f1)"
if [[ "$(cat "$tools/.installed" 2>/dev/null || true)" != "$want" ]]; then
  echo "[mcpb] installing @anthropic-ai/mcpb from .ci/mcpb/package-lock.json" >&2
  rm -rf "$tools" && mkdir -p "$tools"
  cp .ci/mcpb/package.json .ci/mcpb/package-lock.json "$tools/"
  npm_quiet ci --prefix "$tools" --ignore-scripts
  printf '%s\n' "$want" >"$tools/.installed"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
CHATLOG_TRAY_TOKEN="clt_ci-only-$(date +%s)-not-a-real-token" \
  uv run --no-sync chatlog-tray clients bundle --output "$work/chatlog-tray.mcpb"
mkdir "$work/unpacked"
uv run --no-sync python -m zipfile -e "$work/chatlog-tray.mcpb" "$work/unpacked"
"$tools/node_modules/.bin/mcpb" validate "$work/unpacked/manifest.json"

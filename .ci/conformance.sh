#!/usr/bin/env bash
# Run the official MCP conformance suite (server mode) against a running server.
#
# Usage: .ci/conformance.sh <url> <mode-or-expect-file> [<revision>]
#
#   <url>   Streamable HTTP endpoint, e.g. http://127.0.0.1:8765/mcp
#           (use 127.0.0.1/localhost: dns-rebinding-protection fails on other hosts)
#   <mode>  fixtures  every scenario in .ci/conformance-expected/fixtures.txt
#                     (= the whole "active" suite of the pinned version) must pass
#           bare      only .ci/conformance-expected/bare.txt must pass (a server
#                     without the conformance test fixtures)
#           <file>    any file listing scenario names, one per line (# comments ok)
#   <revision>  e.g. 2026-07-28 or 2025-11-25: run the frozen requirement set of that
#           spec revision (--requirements) with the pinned prerelease instead of the stable
#           suite. With `fixtures`, every server scenario the revision requires must pass;
#           with `bare`, those in .ci/conformance-expected/bare-<revision>.txt.
#
# The whole suite (default --suite all, so pending scenarios are shown too) is run
# once; every scenario is printed, but only the expected ones decide the exit code.
# A scenario passes when its checks.json has no FAILURE check (WARNING counts as
# pass, like upstream; set CONFORMANCE_STRICT=1 to make WARNING fail too).
# A scenario with no result (crash, timeout) fails.
#
# Node 22 and the suite are installed on first use (idempotent, pinned) into
# .tools/node22 and .tools/conformance, from the npm registry only.
#
# Environment knobs (all optional):
#   CONFORMANCE_SUITE       suite passed to the CLI: all (default) | active | pending
#   CONFORMANCE_TIMEOUT     seconds for the whole suite run (default 300)
#   CONFORMANCE_WAIT        seconds to wait for <url> to answer first (default 30)
#   CONFORMANCE_STRICT      1 = WARNING checks fail the scenario
#   CONFORMANCE_RESULTS     directory for raw results (default: a fresh mktemp dir)
#   CONFORMANCE_INSTALL_ONLY=1  only install the tools, then exit 0 (url/mode ignored)
#
# Exit codes: 0 all expected passed; 1 an expected scenario failed or is missing;
#             2 usage error; 3 tool install failed; 4 server not reachable.
set -euo pipefail

NODE_VERSION=22.23.3           # npm package node-linux-<arch>@NODE_VERSION ships the binary
CONFORMANCE_VERSION=0.1.16     # must match .ci/conformance-expected/npm/package.json
# The prerelease with the frozen requirement sets; must match .../npm-next/package.json.
CONFORMANCE_NEXT_VERSION=0.2.0-alpha.12

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
expected_dir="$here/conformance-expected"
tools="$root/.tools"
node_dir="$tools/node22"
conf_dir="$tools/conformance"
lock_src="$expected_dir/npm"  # the stable suite's pins; a revision switches to npm-next

log() { printf '[conformance] %s\n' "$*" >&2; }
die() { local code="$1"; shift; log "ERROR: $*"; exit "$code"; }

# ---------------------------------------------------------------- install
node_arch() {
  case "$(uname -m)" in
    x86_64 | amd64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) die 3 "unsupported CPU $(uname -m) for the node-linux-* npm package" ;;
  esac
}

npm_quiet() {
  # npm without prompts, audit, fund or update checks; bounded in time.
  timeout 300 npm "$@" --no-audit --no-fund --no-update-notifier --loglevel=error \
    --fetch-retries=3 --fetch-timeout=60000 </dev/null >&2
}

install_node() {
  local arch pkg bin
  arch="$(node_arch)"
  pkg="node-linux-$arch"
  bin="$node_dir/node_modules/$pkg/bin/node"
  if [[ -x "$bin" ]] && [[ "$("$bin" --version 2>/dev/null)" == "v$NODE_VERSION" ]]; then
    NODE_BIN_DIR="$(dirname "$bin")"
    return 0
  fi
  command -v npm >/dev/null || die 3 "npm not found (apt-get install npm)"
  log "installing Node $NODE_VERSION ($pkg) into ${node_dir#"$root"/}"
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  printf '{"private":true}\n' >"$node_dir/package.json"
  # --ignore-scripts: the binary is inside the tarball; nothing to run.
  npm_quiet install --prefix "$node_dir" --ignore-scripts --save-exact "$pkg@$NODE_VERSION" \
    || die 3 "npm install $pkg@$NODE_VERSION failed"
  [[ "$("$bin" --version 2>/dev/null)" == "v$NODE_VERSION" ]] || die 3 "installed node does not run"
  NODE_BIN_DIR="$(dirname "$bin")"
}

install_conformance() {
  local stamp want have
  stamp="$conf_dir/.installed"
  want="$(cat "$lock_src/package.json" "$lock_src/package-lock.json" | sha256sum | cut -d' ' -f1) node=$NODE_VERSION"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [[ "$have" == "$want" ]] && [[ -f "$conf_dir/node_modules/@modelcontextprotocol/conformance/dist/index.js" ]]; then
    return 0
  fi
  log "installing @modelcontextprotocol/conformance@$CONFORMANCE_VERSION into ${conf_dir#"$root"/}"
  rm -rf "$conf_dir"
  mkdir -p "$conf_dir"
  cp "$lock_src/package.json" "$lock_src/package-lock.json" "$conf_dir/"
  # npm ci: exact tree from the committed lockfile (transitive deps pinned too).
  PATH="$NODE_BIN_DIR:$PATH" npm_quiet ci --prefix "$conf_dir" --ignore-scripts \
    || die 3 "npm ci for the conformance suite failed"
  local v
  v="$(PATH="$NODE_BIN_DIR:$PATH" node -p 'require(process.argv[1]).version' \
    "$conf_dir/node_modules/@modelcontextprotocol/conformance/package.json")"
  [[ "$v" == "$CONFORMANCE_VERSION" ]] || die 3 "installed conformance $v, expected $CONFORMANCE_VERSION"
  printf '%s\n' "$want" >"$stamp"
}

install_tools() {
  mkdir -p "$tools"
  # Serialise concurrent installs (parallel CI jobs on one machine).
  exec 9>"$tools/.conformance-install.lock"
  if command -v flock >/dev/null; then flock -w 600 9 || die 3 "could not lock $tools"; fi
  install_node
  install_conformance
  exec 9>&-
}

# ---------------------------------------------------------------- arguments
if [[ "${CONFORMANCE_INSTALL_ONLY:-0}" == 1 ]]; then
  install_tools
  log "tools ready: node $("$NODE_BIN_DIR/node" --version), conformance $CONFORMANCE_VERSION"
  exit 0
fi

if [[ $# -lt 2 || $# -gt 3 ]]; then
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
url="$1"
mode="$2"
revision="${3:-}"
case "$url" in http://* | https://*) ;; *) die 2 "url must start with http:// or https://: $url" ;; esac
if [[ -n "$revision" ]]; then
  # The frozen requirement sets live in the prerelease; it installs beside the stable one.
  CONFORMANCE_VERSION="$CONFORMANCE_NEXT_VERSION"
  lock_src="$expected_dir/npm-next"
  conf_dir="$tools/conformance-next"
fi
case "$mode" in
  fixtures) expect_file="$expected_dir/fixtures.txt" ;;
  bare) expect_file="$expected_dir/bare${revision:+-$revision}.txt" ;;
  *) expect_file="$mode" ;;
esac
if [[ -n "$revision" && "$mode" == fixtures ]]; then
  expect_file=""  # every server scenario the revision requires (read after install)
else
  [[ -f "$expect_file" ]] || die 2 "expected-pass list not found: $expect_file"
fi
suite="${CONFORMANCE_SUITE:-all}"
run_timeout="${CONFORMANCE_TIMEOUT:-300}"
wait_s="${CONFORMANCE_WAIT:-30}"
strict="${CONFORMANCE_STRICT:-0}"

install_tools
export PATH="$NODE_BIN_DIR:$PATH"
package="$conf_dir/node_modules/@modelcontextprotocol/conformance"
cli="$package/dist/index.js"
if [[ -z "$expect_file" ]]; then
  requirements="$package/requirements/$revision.yaml"
  [[ -f "$requirements" ]] || die 2 "no frozen requirement set for revision $revision"
  expect_file="$(mktemp)"
  # The `server:` list of the frozen file: "  - name" lines until the next section.
  awk '/^server:/{on=1; next} /^[a-z_]+:/{on=0} on && /^  - /{print $2}' \
    "$requirements" >"$expect_file"
  [[ -s "$expect_file" ]] || die 2 "could not read the server list of $requirements"
fi

# ---------------------------------------------------------------- wait for server
# Any HTTP answer (even 4xx/405) means the server is up.
if ! timeout $((wait_s + 10)) node -e '
  const [url, secs] = [process.argv[1], Number(process.argv[2])];
  const end = Date.now() + secs * 1000;
  (async () => {
    for (;;) {
      try { await fetch(url, { signal: AbortSignal.timeout(2000) }); process.exit(0); }
      catch { if (Date.now() > end) process.exit(1); await new Promise(r => setTimeout(r, 250)); }
    }
  })();' "$url" "$wait_s"; then
  die 4 "server not reachable at $url within ${wait_s}s"
fi

# ---------------------------------------------------------------- run
if [[ -n "${CONFORMANCE_RESULTS:-}" ]]; then
  results="$CONFORMANCE_RESULTS"
  rm -rf "$results"
  mkdir -p "$results"
else
  results="$(mktemp -d "${TMPDIR:-/tmp}/conformance.XXXXXX")"
fi
raw="$results/output.txt"
if [[ -n "$revision" ]]; then
  selection=(--requirements "$revision")
  log "node $(node --version), conformance $CONFORMANCE_VERSION, requirements $revision, url $url"
else
  selection=(--suite "$suite")
  log "node $(node --version), conformance $CONFORMANCE_VERSION, suite '$suite', url $url"
fi
log "raw output: $raw"

set +e
# The CLI has no overall timeout of its own (the SDK client waits 60s per
# request), so bound it here; kill -9 10s after TERM if it ignores it.
timeout -k 10 "$run_timeout" node "$cli" server --url "$url" "${selection[@]}" \
  --output-dir "$results/checks" </dev/null >"$raw" 2>&1
cli_rc=$?
set -e
if [[ $cli_rc -eq 124 || $cli_rc -eq 137 ]]; then
  log "WARNING: suite run hit the ${run_timeout}s timeout; unfinished scenarios count as missing"
fi

# ---------------------------------------------------------------- summarise
# Reads results/checks/server-<scenario>-<timestamp>/checks.json and the expect
# file; prints one line per scenario; exits 1 if an expected one did not pass.
node - "$results" "$expect_file" "$strict" "$raw" <<'EOF'
const fs = require("fs");
const path = require("path");
const [results, expectFile, strict, raw] = process.argv.slice(2);
const expected = fs.readFileSync(expectFile, "utf8").split("\n")
  .map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
const dir = path.join(results, "checks");
const got = new Map();
for (const d of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  const m = /^server-(.+)-\d{4}-\d\d-\d\dT[\d-]+Z$/.exec(d);
  const f = path.join(dir, d, "checks.json");
  if (!m || !fs.existsSync(f)) continue;
  got.set(m[1], JSON.parse(fs.readFileSync(f, "utf8")));
}
// Scenarios the CLI announced (in run order), so crashed ones show up too.
const announced = [];
for (const l of fs.readFileSync(raw, "utf8").split("\n")) {
  const m = /^=== Running scenario: (\S+) ===$/.exec(l);
  if (m) announced.push(m[1]);
}
const names = [...new Set([...announced, ...got.keys(), ...expected])];
const rows = [];
let bad = 0;
const totals = { PASS: 0, FAIL: 0, MISSING: 0 };
for (const name of names) {
  const checks = got.get(name);
  const gate = expected.includes(name);
  let status, detail = "";
  if (!checks) {
    status = "MISSING";
    detail = "no checks.json (scenario crashed, timed out or is unknown to this suite version)";
  } else {
    const fails = checks.filter((c) => c.status === "FAILURE");
    const warns = checks.filter((c) => c.status === "WARNING");
    const ok = checks.filter((c) => c.status === "SUCCESS").length;
    status = fails.length || (strict === "1" && warns.length) ? "FAIL" : "PASS";
    detail = `${ok} ok, ${fails.length} failed, ${warns.length} warn`;
    const first = fails[0] || (status === "FAIL" ? warns[0] : undefined);
    if (first) detail += ` | ${first.id}: ${first.errorMessage || first.description}`;
    else if (warns.length) detail += ` | ${warns[0].id}: ${warns[0].errorMessage || warns[0].description}`;
  }
  totals[status]++;
  if (gate && status !== "PASS") bad++;
  const tag = gate ? (status === "PASS" ? "ok  " : "FAIL") : "info";
  rows.push(`${tag} ${status.padEnd(7)} ${name.padEnd(32)} ${detail}`.slice(0, 400));
}
console.log("\n=== MCP conformance: per-scenario summary ===");
console.log("gate status  scenario                         details");
for (const r of rows) console.log(r);
const gated = names.filter((n) => expected.includes(n));
console.log(`\nexpected to pass: ${gated.length}, of which not passing: ${bad}` +
  ` (list: ${path.basename(expectFile)})`);
console.log(`all scenarios: ${totals.PASS} pass, ${totals.FAIL} fail, ${totals.MISSING} missing`);
// Plain closing line in the 'N passed, N failed' form (gated scenarios only).
console.log(`conformance: ${gated.length - bad} passed, ${bad} failed`);
process.exit(bad ? 1 : 0);
EOF

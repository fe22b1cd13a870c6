#!/usr/bin/env bash
# The one entry point behind `npm start`, `npm test`, `npm run build`, `npm run typecheck`, `npm run lint:deps`,
# `npm run openapi`, `npm run bench` and `npm run contract`.
# On a fresh machine it provisions Node 24 and pnpm from the npm registry (the machine's Node
# is older), installs dependencies, builds, makes sure PostgreSQL and NATS answer, and then
# starts the system or type-checks and runs the tests. Every step is skipped when already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
cmd="${1:-start}"; shift || true

log() { printf '\033[1m[finance]\033[0m %s\n' "$*" >&2; }

ensure_toolchain() {
  local want_node want_pnpm
  want_node="$(sed -n 's/.*"node": "\(.*\)".*/\1/p' .tools/package.json)"
  want_pnpm="$(sed -n 's/.*"pnpm": "\(.*\)".*/\1/p' .tools/package.json)"
  if [[ "$(.tools/node_modules/.bin/node --version 2>/dev/null)" != "v$want_node" ]] \
    || [[ "$(.tools/node_modules/.bin/pnpm --version 2>/dev/null)" != "$want_pnpm" ]]; then
    log "installing Node $want_node and pnpm $want_pnpm from the npm registry into .tools/"
    (cd .tools && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  export PATH="$ROOT/.tools/node_modules/.bin:$ROOT/node_modules/.bin:$PATH"
  [[ "$(node --version)" == "v$want_node" ]] || { log "Node $want_node is not first on PATH"; exit 1; }
}

ensure_chromium() {
  # The PDF report (reporting, puppeteer-core) drives Debian's Chromium; puppeteer's own browser
  # download cannot work on these machines. CHROMIUM_PATH points elsewhere if it lives elsewhere.
  # The emoji font is wanted, not required: without it an emoji in a category name or description
  # prints as an empty box in the PDF.
  local chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
  local emoji_font=fonts-noto-color-emoji
  local have_font=1
  dpkg -s "$emoji_font" >/dev/null 2>&1 || have_font=0
  [[ -x "$chromium" && $have_font == 1 ]] && return 0
  if [[ "$(id -u)" != 0 ]]; then
    if [[ -x "$chromium" ]]; then
      log "note: emoji in PDF reports print as boxes without $emoji_font (sudo apt-get install -y $emoji_font)"
      return 0
    fi
    log "Chromium is missing ($chromium), needed for the PDF report; install it as root: sudo apt-get update && sudo apt-get install -y chromium $emoji_font"
    exit 1
  fi
  log "installing Chromium and its emoji font from Debian's packages (apt-get install -y chromium $emoji_font, about 40 s)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium "$emoji_font" >/dev/null
  [[ -x "$chromium" ]] || { log "apt-get installed chromium but $chromium is still missing"; exit 1; }
}

ensure_deps() {
  # pnpm is quick when nothing changed; --frozen-lockfile keeps CI and users on the lockfile.
  pnpm install --frozen-lockfile --prefer-offline --reporter=silent
}

ensure_build() {
  log "building"
  TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 turbo run build --output-logs=errors-only
}

typecheck() {
  # Jest strips types without checking them and each package's build excludes its tests, so this
  # one program (tsconfig.test.json: every package's src and tests, and e2e) is where tests are
  # type-checked. Silent when clean, so jest's summary stays the last thing printed.
  log "type-checking sources and tests"
  tsc -p tsconfig.test.json
}

lint_deps() {
  # Import boundaries (.dependency-cruiser.cjs) and no SQL outside persistence/. Silent when clean.
  log "checking boundaries"
  node infra/scripts/lint-deps.mjs
}

run() {
  ensure_toolchain
  ensure_deps
  ensure_build
  # After the build: besides starting PostgreSQL and NATS it creates each service's role and schema,
  # reading the service manifest and the role code from the built @finance/platform.
  node infra/scripts/infra.mjs ensure
}

case "$cmd" in
  start)
    ensure_chromium
    run
    exec node infra/scripts/run-all.mjs "$@"
    ;;
  test)
    ensure_chromium
    run
    typecheck
    lint_deps
    NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}" exec node node_modules/jest/bin/jest.js "$@"
    ;;
  build)
    ensure_toolchain; ensure_deps; ensure_build
    ;;
  typecheck)
    # The build generates the proto code the sources import.
    ensure_toolchain; ensure_deps; ensure_build; typecheck
    ;;
  lint-deps)
    ensure_toolchain; ensure_deps; lint_deps
    ;;
  openapi)
    # apps/gateway/openapi.json from the built gateway's /docs/json.
    ensure_toolchain; ensure_deps; ensure_build
    node apps/gateway/scripts/write-openapi.mjs
    ;;
  bench)
    run
    exec node bench/run.mjs "$@"
    ;;
  contract)
    # Specmatic contract tests from the served /docs/json against the whole system (contract/run.mjs).
    # Specmatic is a jar (npm `specmatic`): it needs Java 17+ on PATH (apt-get install openjdk-17-jre-headless).
    command -v java >/dev/null || { log "contract tests need Java 17+ (apt-get install openjdk-17-jre-headless)"; exit 1; }
    run
    exec node contract/run.mjs "$@"
    ;;
  *)
    echo "usage: bootstrap.sh start|test|build|typecheck|lint-deps|openapi|bench|contract" >&2; exit 2
    ;;
esac

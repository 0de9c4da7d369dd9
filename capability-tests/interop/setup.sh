#!/usr/bin/env bash
# Installs the official Twilio helper libraries that tests/interop.rs checks our tokens against,
# at the versions pinned beside this script, into throw-away folders:
#
#   target/interop/venv   Python venv: twilio + PyJWT          (capability-tests/interop/requirements.txt)
#   target/interop/node   npm ci: twilio + jsonwebtoken         (capability-tests/interop/package*.json)
#
# Idempotent: when the pins and the python3/node versions are those of the last successful run, it
# does nothing. Safe to run concurrently (the second run waits for the first). Exits non-zero with
# a message saying what is missing or which registry could not be reached; it never skips.
#
# Usage: bash capability-tests/interop/setup.sh        (CAPABILITY_INTEROP_DIR overrides target/interop)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${CAPABILITY_INTEROP_DIR:-$root/target/interop}"

fail() {
    echo "interop setup: $*" >&2
    exit 1
}

command -v python3 >/dev/null 2>&1 ||
    fail "python3 not found: the interop test needs Python 3.9 or later with the venv module"
command -v node >/dev/null 2>&1 ||
    fail "node not found: the interop test needs Node.js 20.11 or later"
command -v npm >/dev/null 2>&1 ||
    fail "npm not found: the interop test needs npm (it comes with Node.js)"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' ||
    fail "$(python3 --version 2>&1) is too old: the interop test needs Python 3.9 or later"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 11) ? 0 : 1)' ||
    fail "node $(node --version) is too old: the interop test needs Node.js 20.11 or later (mock timers)"

mkdir -p "$out"
# One setup at a time, across processes (cargo test, .ci/run, a developer's shell).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$out/.lock"
    flock 9
fi

stamp="$(
    cat "$here/requirements.txt" "$here/package.json" "$here/package-lock.json"
    python3 --version 2>&1
    node --version
)"
stamp="$(printf '%s' "$stamp" | cksum)"
if [[ -f "$out/.stamp" && "$(cat "$out/.stamp")" == "$stamp" &&
    -x "$out/venv/bin/python" && -d "$out/node/node_modules/twilio" ]]; then
    exit 0
fi

echo "interop setup: installing the pinned official libraries into $out" >&2
rm -rf "$out/venv" "$out/node" "$out/.stamp"

python3 -m venv "$out/venv" ||
    fail "python3 could not create a venv in $out/venv (on Debian/Ubuntu: apt-get install python3-venv)"
# --no-deps: see requirements.txt. Bounded retries, so that an unreachable registry fails in
# about a minute instead of hanging.
"$out/venv/bin/python" -m pip install --quiet --no-input --disable-pip-version-check \
    --retries 2 --timeout 20 --no-deps --requirement "$here/requirements.txt" ||
    fail "could not reach PyPI registry: pip could not install capability-tests/interop/requirements.txt (its output is above)"

mkdir -p "$out/node"
cp "$here/package.json" "$here/package-lock.json" "$out/node/"
npm ci --prefix "$out/node" --no-audit --no-fund --ignore-scripts --loglevel=error \
    --fetch-retries=2 --fetch-timeout=20000 >&2 ||
    fail "could not reach npm registry: npm ci could not install capability-tests/interop/package-lock.json (its output is above)"

printf '%s' "$stamp" >"$out/.stamp"
echo "interop setup: done (twilio-python, PyJWT, twilio-node, jsonwebtoken as pinned in capability-tests/interop)" >&2

#!/usr/bin/env bash
# Clean `cargo build --release` of the same small token server written with `capability` (the
# macro; with the `dsl` feature for run-time parsing, and with the default features, which
# leave it out) and with
# `jsonwebtoken` + serde, alternately, in one run. Dependencies are fetched first,
# so only compilation is timed.
# Usage: bash capability-tests/benches/compile-time/run.sh [rounds, default 3]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
rounds=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp -r "$here/capability-app" "$here/jsonwebtoken-app" "$work/"
cp -r "$here/capability-app" "$work/capability-lean-app"
cat > "$work/capability-app/Cargo.toml" <<TOML
[package]
name = "capability-app"
version = "0.0.0"
edition = "2021"
[dependencies]
capability = { path = "$repo", features = ["dsl"] }
[workspace]
TOML
cat > "$work/capability-lean-app/Cargo.toml" <<TOML
[package]
name = "capability-lean-app"
version = "0.0.0"
edition = "2021"
[dependencies]
capability = { path = "$repo" }
[workspace]
TOML
cat > "$work/jsonwebtoken-app/Cargo.toml" <<TOML
[package]
name = "jsonwebtoken-app"
version = "0.0.0"
edition = "2021"
[dependencies]
jsonwebtoken = { version = "11", default-features = false, features = ["rust_crypto"] }
serde = { version = "1", features = ["derive"] }
[workspace]
TOML

for app in capability-app capability-lean-app jsonwebtoken-app; do
  (cd "$work/$app" && cargo fetch -q && cargo build --release -q && ./target/release/$app >/dev/null)
  printf '%s: %s crates\n' "$app" "$(cd "$work/$app" && cargo tree -e normal,build --prefix none | sort -u | wc -l)"
done

declare -A times
for round in $(seq "$rounds"); do
  for app in capability-app capability-lean-app jsonwebtoken-app; do
    rm -rf "$work/$app/target"
    start=$(date +%s.%N)
    (cd "$work/$app" && cargo build --release -q --offline)
    end=$(date +%s.%N)
    t=$(awk "BEGIN {printf \"%.2f\", $end - $start}")
    times[$app]="${times[$app]:-} $t"
    echo "round $round: $app ${t}s"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ours=$(echo "${times[capability-app]}" | median)
lean=$(echo "${times[capability-lean-app]}" | median)
theirs=$(echo "${times[jsonwebtoken-app]}" | median)
echo "median clean release build: capability with dsl ${ours}s, default features ${lean}s, jsonwebtoken ${theirs}s"
echo "ratios to jsonwebtoken: $(awk "BEGIN {printf \"%.2f\", $ours / $theirs}"), default features $(awk "BEGIN {printf \"%.2f\", $lean / $theirs}")"

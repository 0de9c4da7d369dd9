#!/usr/bin/env python3
"""Prints the ratios of the medians of one `cargo bench -p capability-tests --bench tokens` run
(criterion's estimates under target/criterion), against the performance targets."""
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "target", "criterion")


def median(group, bench):
    path = os.path.join(ROOT, group, bench.replace("/", "_"), "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except FileNotFoundError:
        sys.exit(f"no estimates at {path}: run `cargo bench -p capability-tests --bench tokens` first")


t = {b: median("tokens", b) for b in [
    "sign_at/macro", "sign_at/builder", "verify_at", "floor/hmac_sha256+base64url",
    "jsonwebtoken/encode", "jsonwebtoken/decode"]}
floor = t["floor/hmac_sha256+base64url"]
rows = [
    ("sign_at, capability! policy", t["sign_at/macro"], t["sign_at/macro"] / floor, "<= 1.3 x floor"),
    ("sign_at, builder policy", t["sign_at/builder"], t["sign_at/builder"] / floor, "<= 1.6 x floor"),
    ("verify_at", t["verify_at"], t["verify_at"] / floor, "<= 1.8 x floor"),
    ("floor: HMAC-SHA256 + base64url", floor, 1.0, ""),
    ("jsonwebtoken encode", t["jsonwebtoken/encode"], t["jsonwebtoken/encode"] / floor, ""),
    ("jsonwebtoken decode", t["jsonwebtoken/decode"], t["jsonwebtoken/decode"] / floor, ""),
]
print("| benchmark | median | x floor | target |")
print("|---|---:|---:|---|")
for name, ns, ratio, target in rows:
    print(f"| {name} | {ns:.0f} ns | {ratio:.2f} | {target} |")
print()
print(f"jsonwebtoken encode / capability! sign_at: {t['jsonwebtoken/encode'] / t['sign_at/macro']:.1f}x (target >= 2)")
print(f"jsonwebtoken decode / verify_at:          {t['jsonwebtoken/decode'] / t['verify_at']:.1f}x (target >= 2)")

threads_dir = os.path.join(ROOT, "threads")
threads = sorted(
    int(d.removeprefix("sign_at_")) for d in os.listdir(threads_dir) if d.startswith("sign_at_")
) if os.path.isdir(threads_dir) else []
if threads:
    print()
    print("| threads | tokens/s | scaling |")
    print("|---:|---:|---:|")
    base = None
    for n in threads:
        per_iter = median("threads", f"sign_at/{n}")
        rate = n / per_iter * 1e9
        base = base or rate
        print(f"| {n} | {rate:,.0f} | {rate / base:.2f} |")

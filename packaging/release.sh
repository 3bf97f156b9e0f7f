#!/usr/bin/env bash
# Builds the release binary (stripped), the .deb and the .rpm, and prints their sha256.
# Needs: cargo install cargo-deb cargo-generate-rpm (both from crates.io).
set -euo pipefail
cd "$(dirname "$0")/.."
target=$(rustc --print host-tuple)
command -v cargo-deb >/dev/null || { echo "release.sh: needs cargo-deb (cargo install cargo-deb --locked)" >&2; exit 2; }
command -v cargo-generate-rpm >/dev/null || { echo "release.sh: needs cargo-generate-rpm (cargo install cargo-generate-rpm --locked)" >&2; exit 2; }
cargo build --release --locked
binary=target/$target/release/ctop
# .cargo/config.toml builds for the host tuple, so the binary is under target/<tuple>/;
# both packagers are told so with --target.
deb=$(cargo deb --no-build --target "$target" --output target/packages/ | tail -n1)
cargo generate-rpm --target "$target" --output target/packages/
rpm=$(ls -t target/packages/*.rpm | head -n1)
echo "binary: $binary ($(stat -c %s "$binary") bytes)"
sha256sum "$deb" "$rpm"

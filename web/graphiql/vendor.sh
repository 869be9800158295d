#!/usr/bin/env bash
# Reproduces assets/vendor from the npm registry: the official packages at the versions pinned
# below, checked against the registry's sha512 integrity, with each package's licence.
# Not part of `go generate` (CI reaches only the Go module proxy); run it by hand to change a
# version, then update the versions in graphiql.go and commit the result with SHA256SUMS.
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  "graphiql 4.1.2 sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg== graphiql.min.js graphiql.min.css"
  "react 18.3.1 sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ== umd/react.production.min.js"
  "react-dom 18.3.1 sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw== umd/react-dom.production.min.js"
)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf assets/vendor
for line in "${packages[@]}"; do
  read -r name version integrity files <<<"$line"
  tarball="$(cd "$work" && npm pack --silent "$name@$version")"
  got="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    echo "$name@$version: integrity $got, expected $integrity" >&2
    exit 1
  fi
  mkdir -p "$work/$name" "assets/vendor/$name-$version"
  tar xzf "$work/$tarball" -C "$work/$name"
  cp "$work/$name/package/LICENSE" "assets/vendor/$name-$version/LICENSE"
  for f in $files; do
    cp "$work/$name/package/$f" "assets/vendor/$name-$version/$(basename "$f")"
  done
done
(cd assets/vendor && find . -type f ! -name SHA256SUMS | sort | xargs sha256sum >SHA256SUMS)

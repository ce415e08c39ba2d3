#!/usr/bin/env bash
# Builds a Terraform or OpenTofu CLI from its source on the Go module proxy
# into OUT, for the versions `go install` refuses: their go.mod has replace
# directives. Terraform 1.6 and later replace nested modules (nine state
# backends and internal/legacy) that module zips leave out; a local-state
# build needs none of them, so they are taken out. OpenTofu 1.10 replaces
# HCL with its fork, which the build then takes as the main module would.
#
#   scripts/build-cli.sh terraform 1.14.3 bin/terraform-1.14.3
#   scripts/build-cli.sh tofu 1.10.10 bin/tofu-1.10.10
set -euo pipefail

usage="usage: build-cli.sh terraform|tofu VERSION OUT"
cli=${1:?$usage}
version=${2:?$usage}
out=${3:?$usage}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
case "$cli" in
  terraform) module=github.com/hashicorp/terraform pkg=. ;;
  tofu) module=github.com/opentofu/opentofu pkg=./cmd/tofu ;;
  *) echo "$usage" >&2; exit 2 ;;
esac

src=$(go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$src" ] || [ ! -d "$src" ]; then
  echo "build-cli.sh: the Go module proxy has no $module@v$version" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src/." "$work/src"
chmod -R u+w "$work/src"
cd "$work/src"

if [ "$cli" = terraform ]; then
  backends='azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3'
  sed -i.orig -E "/internal\/backend\/remote-state\/($backends)( |$)|internal\/legacy( |$)/d" go.mod
  sed -i.orig -E '/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[ .]/d' internal/backend/init/init.go
  rm -f go.mod.orig internal/backend/init/init.go.orig
fi

GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" go build -trimpath -ldflags "-s -w" -o "$out" "$pkg"
# sed, unlike head, reads the whole answer: a CLI that writes more after the
# first line gets no SIGPIPE, which pipefail would turn into a failure.
"$out" version | sed -n 1p

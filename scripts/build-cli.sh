#!/usr/bin/env bash
# Builds Terraform VERSION (1.6 or later) from its source on the Go module
# proxy into OUT. `go install` refuses these versions: their go.mod replaces
# nested modules (nine state backends and internal/legacy) that module zips
# leave out. A local-state build needs none of them, so they are taken out.
#
#   scripts/build-terraform.sh 1.14.3 bin/terraform-1.14.3
set -euo pipefail

version=${1:?usage: build-terraform.sh VERSION OUT}
out=${2:?usage: build-terraform.sh VERSION OUT}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

src=$(go mod download -json "github.com/hashicorp/terraform@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$src" ] || [ ! -d "$src" ]; then
  echo "build-terraform.sh: the Go module proxy has no github.com/hashicorp/terraform@v$version" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src/." "$work/terraform"
chmod -R u+w "$work/terraform"
cd "$work/terraform"

backends='azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3'
sed -i.orig -E "/internal\/backend\/remote-state\/($backends)( |$)|internal\/legacy( |$)/d" go.mod
sed -i.orig -E '/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[ .]/d' internal/backend/init/init.go
rm -f go.mod.orig internal/backend/init/init.go.orig

GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" go build -trimpath -ldflags "-s -w" -o "$out" .
"$out" version | head -n 1

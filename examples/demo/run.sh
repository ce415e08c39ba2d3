#!/usr/bin/env bash
# Starts the sandbox on loopback with an empty shop, applies main.tf with the locally built
# provider (through dev_overrides), and shows the tracked products.
# Run it through `make demo`, which builds what it needs.
set -euo pipefail

: "${BIN:?set BIN to the folder holding terraform-provider-zettle and zettle-sandbox}"
TERRAFORM=${TERRAFORM:-terraform}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
sandbox_pid=
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A shop from nothing: no products, and no locations until tracking starts.
"$BIN/zettle-sandbox" -listen 127.0.0.1:0 -new-organization -empty-library -url-file "$work/url" -env-file "$work/env" >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 100); do
  [ -s "$work/url" ] && break
  sleep 0.1
done
if [ ! -s "$work/url" ]; then
  cat "$work/sandbox.log" >&2
  echo "the sandbox did not start" >&2
  exit 1
fi
cat "$work/sandbox.log"

cat >"$work/terraform.rc" <<EOT
provider_installation {
  dev_overrides {
    "registry.terraform.io/zettle-community/zettle" = "$BIN"
  }
  direct {}
}
EOT
cp "$here/main.tf" "$work/"
export TF_CLI_CONFIG_FILE="$work/terraform.rc"
# Authenticate as a merchant's integration would: with the demo API key the
# sandbox wrote to its environment file, exchanged at its OAuth endpoint. The
# STORE location is looked up.
url="$(cat "$work/url")"
export ZETTLE_INVENTORY_URL="$url" ZETTLE_PRODUCTS_URL="$url" ZETTLE_PUSHER_URL="$url" ZETTLE_ORGANIZATION_URL="$url" ZETTLE_OAUTH_URL="$url"
ZETTLE_API_KEY="$(sed -n 's/^# export ZETTLE_API_KEY=//p' "$work/env")"
export ZETTLE_API_KEY
unset ZETTLE_ACCESS_TOKEN ZETTLE_LOCATION_UUID ZETTLE_CLIENT_ID ZETTLE_API_VERSION

cd "$work"
echo "== terraform apply"
"$TERRAFORM" apply -auto-approve -input=false -no-color
echo
echo "== the catalogue the apply created"
"$TERRAFORM" output -no-color catalogue
echo
echo "== stock at the STORE location by product and variant, as a fresh refresh reads it"
"$TERRAFORM" apply -refresh-only -auto-approve -input=false -no-color >/dev/null
"$TERRAFORM" output -no-color stock
echo
echo "== low-stock alerts by SKU"
"$TERRAFORM" output -no-color low_stock_alerts
echo
echo "== a second plan: nothing to change"
"$TERRAFORM" plan -detailed-exitcode -input=false -no-color >/dev/null && echo "No changes."

#!/usr/bin/env bash
# Build the front-end assets: GOV.UK Frontend (pinned in package.json) compiled with our settings.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dpsupport/static/build
mkdir -p "$out"
node_modules/.bin/sass --load-path=node_modules --style=compressed --no-source-map \
  --quiet-deps --silence-deprecation=import frontend/app.scss "$out/app.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/govuk-frontend.min.js"
# GOV.UK's images carry the crown and the GOV.UK logo: we ship none of them, only our own icons.
echo "Built $out/app.css ($(wc -c < "$out/app.css") bytes)"

#!/usr/bin/env bash
# Rebuild the website's committed CSS and JS from GOV.UK Frontend 6 with Dart Sass.
# Only needed when upgrading govuk-frontend or changing portal/web/assets_src/; a fresh clone
# serves the committed files in portal/web/static/ without Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
STATIC=portal/web/static

npx sass --style=compressed --no-source-map --quiet-deps --load-path=node_modules \
  portal/web/assets_src/site.scss "$STATIC/site.css"

# GOV.UK Frontend's JavaScript (an ES module); the site's own script initialises it.
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$STATIC/govuk-frontend.min.js"
# No GOV.UK crown, crest or GDS Transport font files are copied: the site's own favicon is
# portal/web/static/images/favicon.svg (hand-written, committed).

echo "built: $(du -ch "$STATIC"/site.css "$STATIC"/govuk-frontend.min.js | tail -1)"

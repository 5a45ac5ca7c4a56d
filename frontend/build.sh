#!/usr/bin/env bash
# Build Coplan's vendored front-end assets (GOV.UK Frontend 6 + htmx 2).
# Output goes to coplan/core/static/coplan/ and is committed to the repo,
# so Python-only environments never need Node.
set -euo pipefail

FRONTEND_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${FRONTEND_DIR}/.." && pwd)"
OUT_DIR="${REPO_ROOT}/coplan/core/static/coplan"

cd "${FRONTEND_DIR}"

if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi

GOVUK_DIR="node_modules/govuk-frontend/dist/govuk"
HTMX_DIR="node_modules/htmx.org"

mkdir -p "${OUT_DIR}"

# 1. CSS (compressed, no source map).
npx --no-install sass \
  --load-path=node_modules \
  --quiet-deps \
  --style=compressed \
  --no-source-map \
  coplan.scss "${OUT_DIR}/coplan.css"

# 2. GOV.UK Frontend JS (an ES module: load with <script type="module">).
cp "${GOVUK_DIR}/govuk-frontend.min.js" "${OUT_DIR}/govuk-frontend.min.js"
# The bundle ends with a sourceMappingURL comment; we don't ship the map, so
# strip it to avoid 404s in browser dev tools.
sed -i -e 's|//# sourceMappingURL=govuk-frontend\.min\.js\.map$||' "${OUT_DIR}/govuk-frontend.min.js"

# 3. Assets: images, manifest.json and (if present) rebrand/. No fonts.
rm -rf "${OUT_DIR}/assets"
mkdir -p "${OUT_DIR}/assets"
cp -R "${GOVUK_DIR}/assets/images" "${OUT_DIR}/assets/images"
cp "${GOVUK_DIR}/assets/manifest.json" "${OUT_DIR}/assets/manifest.json"
if [[ -d "${GOVUK_DIR}/assets/rebrand" ]]; then
  cp -R "${GOVUK_DIR}/assets/rebrand" "${OUT_DIR}/assets/rebrand"
fi

# 4. htmx.
cp "${HTMX_DIR}/dist/htmx.min.js" "${OUT_DIR}/htmx.min.js"

# 5. Licences. The govuk-frontend npm package doesn't ship its LICENSE file,
# so fall back to the upstream MIT text (alphagov/govuk-frontend LICENSE.txt).
GOVUK_LICENSE=""
for candidate in node_modules/govuk-frontend/LICENSE node_modules/govuk-frontend/LICENSE.txt node_modules/govuk-frontend/LICENSE.md; do
  if [[ -f "${candidate}" ]]; then GOVUK_LICENSE="${candidate}"; break; fi
done
if [[ -n "${GOVUK_LICENSE}" ]]; then
  cp "${GOVUK_LICENSE}" "${OUT_DIR}/LICENSE-govuk-frontend.txt"
else
  cat > "${OUT_DIR}/LICENSE-govuk-frontend.txt" <<'LICENSE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENSE
fi
cp "${HTMX_DIR}/LICENSE" "${OUT_DIR}/LICENSE-htmx.txt"

echo "Built front-end assets into ${OUT_DIR#"${REPO_ROOT}/"}:"
(cd "${OUT_DIR}" && find . -type f | sort)

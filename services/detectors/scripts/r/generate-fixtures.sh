#!/usr/bin/env bash
# Regenerates the R equivalence fixtures under test/fixtures/r/: runs every *.R script in
# this folder with Rscript (needs r-base-core and r-cran-surveillance).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v Rscript >/dev/null || { echo "generate-fixtures: Rscript not found (apt-get install r-base-core r-cran-surveillance)" >&2; exit 1; }
mkdir -p "$here/../../test/fixtures/r"
cd "$here"
status=0
for script in "$here"/*.R; do
  echo "generate-fixtures: $(basename "$script")"
  Rscript --vanilla "$script" || { echo "generate-fixtures: $(basename "$script") failed" >&2; status=1; }
done
exit $status

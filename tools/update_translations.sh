#!/usr/bin/env bash
# Refresh the translation sources from the GUI code (run from anywhere).
# Translate new messages in resources/i18n/zone_timeline_zh_CN.ts, and the singular and
# plural of new "%n" messages in zone_timeline_en.ts (Qt Linguist or an editor); the build
# turns each .ts into the .qm the app loads.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lupdate="$root/.venv/bin/pyside6-lupdate"
if [ ! -x "$lupdate" ]; then
  lupdate="$(command -v pyside6-lupdate || true)"
fi
if [ -z "$lupdate" ]; then
  echo "update_translations: pyside6-lupdate not found (create .venv or put it on PATH)" >&2
  exit 1
fi
cd "$root"
mkdir -p resources/i18n
"$lupdate" explorer/gui/*.py -ts resources/i18n/zone_timeline_zh_CN.ts -no-obsolete -locations none
# English is the source text: its file holds only the plural forms of "%n" messages.
"$lupdate" explorer/gui/*.py -ts resources/i18n/zone_timeline_en.ts -pluralonly -no-obsolete -locations none

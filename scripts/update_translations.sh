#!/usr/bin/env bash
# Re-extract the interface strings, merge them into the English catalogue and compile it.
#
#   scripts/update_translations.sh            (from anywhere; uses pybabel from $PYBABEL or PATH)
#
# Indonesian is the source language: only the English catalogue exists. After running this,
# translate every new or changed entry in workflow/translations/en/LC_MESSAGES/messages.po
# (empty msgstr, or marked "#, fuzzy": remove the flag once checked), then run it again so the
# .mo matches the .po. tests/web/test_i18n.py fails while anything is untranslated or stale.
set -euo pipefail

cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-pybabel}"
if ! command -v "$PYBABEL" >/dev/null 2>&1 && [ -x /work/venv/bin/pybabel ]; then
    PYBABEL=/work/venv/bin/pybabel
fi
DIR=workflow/translations
POT="$DIR/messages.pot"

"$PYBABEL" extract -F babel.cfg -k _l -k N_ --project=Harmoni --version=0.1.0 \
    --add-comments=TRANSLATORS: --sort-by-file -o "$POT" .
if [ -f "$DIR/en/LC_MESSAGES/messages.po" ]; then
    "$PYBABEL" update -i "$POT" -d "$DIR" -l en
else
    "$PYBABEL" init -i "$POT" -d "$DIR" -l en
fi
"$PYBABEL" compile -d "$DIR" --statistics

# Anything left to translate? (compile skips fuzzy entries, so count those too.)
PYTHON="${PYTHON:-$(dirname "$(command -v "$PYBABEL")")/python}"
"$PYTHON" - "$DIR/en/LC_MESSAGES/messages.po" <<'PY'
import sys
from babel.messages.pofile import read_po

with open(sys.argv[1], "rb") as f:
    catalog = read_po(f)
todo = [m.id for m in catalog if m.id and (m.fuzzy or not m.string)]
for msgid in todo:
    print("  to translate:", msgid)
if todo:
    print(f"{len(todo)} message(s) still to translate or check in {sys.argv[1]}")
PY

#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and an empty document store,
# then check it: every file's SHA-256 is the one recorded and the one it is named by, every
# document the database names is there, and `flask audit verify` passes (every audit chain intact).
#
#   DATABASE_URL=postgresql://... HARMONI_DOCUMENT_STORE=/srv/harmoni/documents deploy/restore.sh BACKUP_DIR
#
# Exits non-zero at the first failed step. PYTHON (default: python3) runs `-m flask`; HARMONI_APP
# (default: this repository) is where wsgi.py is.
set -euo pipefail
src=$(cd "${1:?usage: restore.sh BACKUP_DIR}" && pwd)
: "${DATABASE_URL:?DATABASE_URL names the (empty) database}" "${HARMONI_DOCUMENT_STORE:?HARMONI_DOCUMENT_STORE names the store}"
url=${DATABASE_URL/postgresql+psycopg:/postgresql:}
app=${HARMONI_APP:-$(cd "$(dirname "$0")/.." && pwd)}

if [ -n "$(psql "$url" -Atqc "SELECT 1 FROM pg_tables WHERE schemaname = 'public' LIMIT 1")" ]; then
    echo "restore: the database is not empty; restore into a fresh one" >&2
    exit 2
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$url" "$src/database.dump"

mkdir -p "$HARMONI_DOCUMENT_STORE"
tar -C "$HARMONI_DOCUMENT_STORE" -xf "$src/documents.tar"
cd "$HARMONI_DOCUMENT_STORE"
sha256sum --check --quiet --strict "$src/documents.sha256"
while read -r sum path; do  # content-addressed: each file is named by its own SHA-256
    [ "$sum" = "$(basename "$path")" ] || { echo "restore: $path holds other content ($sum)" >&2; exit 1; }
done < "$src/documents.sha256"
missing=0
for sha in $(psql "$url" -Atqc "SELECT sha256 FROM documents UNION SELECT sha256 FROM issued_documents WHERE sha256 IS NOT NULL"); do
    [ -f "${sha:0:2}/$sha" ] || { echo "restore: missing stored file $sha" >&2; missing=1; }
done
[ "$missing" = 0 ]

cd "$app"
"${PYTHON:-python3}" -m flask --app wsgi audit verify
echo "restore: $(wc -l < "$src/documents.sha256") files and the database restored and verified"

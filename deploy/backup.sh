#!/usr/bin/env bash
# Back up Harmoni: the PostgreSQL database and the document store, into a new folder under DEST.
#
#   DATABASE_URL=postgresql://... HARMONI_DOCUMENT_STORE=/srv/harmoni/documents deploy/backup.sh DEST
#
# Writes DEST/harmoni-<UTC time>/ with database.dump (pg_dump custom format), documents.tar and
# documents.sha256 (one line per stored file), and prints that folder. The dump comes first: the
# store only ever gains files and a file is written before the row naming it is committed, so a
# copy of the store taken after the dump holds every file the dump names.
set -euo pipefail
dest=${1:?usage: backup.sh DEST}
: "${DATABASE_URL:?DATABASE_URL names the database}" "${HARMONI_DOCUMENT_STORE:?HARMONI_DOCUMENT_STORE names the store}"
url=${DATABASE_URL/postgresql+psycopg:/postgresql:}  # SQLAlchemy's URL, as libpq reads it

out="$dest/harmoni-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
pg_dump --format=custom --no-owner --no-privileges --file "$out/database.dump" "$url"

# the stored files only (<2 hex>/<64 hex>), never a half-written temporary file beside them
cd "$HARMONI_DOCUMENT_STORE"
find . -regextype posix-extended -type f -regex '\./[0-9a-f]{2}/[0-9a-f]{64}' | sort > "$out/documents.list"
tar -cf "$out/documents.tar" --files-from "$out/documents.list"
xargs -r sha256sum < "$out/documents.list" > "$out/documents.sha256"
rm "$out/documents.list"
echo "$out"

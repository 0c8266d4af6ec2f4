#!/usr/bin/env bash
# Adds a migration to both providers at once, so the two histories stay in step: ./migrations-add.sh Name
set -euo pipefail
name=${1:?usage: ./migrations-add.sh MigrationName}
cd "$(dirname "$0")"
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" --project src/Flowthrough --context "${provider}FlowthroughDbContext" \
    --output-dir "Data/Migrations/$provider"
done
rm -f src/Flowthrough/design.db

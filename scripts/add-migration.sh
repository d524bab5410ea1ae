#!/usr/bin/env bash
# Adds a migration with the same name to both providers' histories (SQLite and PostgreSQL).
# Usage: scripts/add-migration.sh NAME
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh NAME}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build src/Tandem.Host -v q -nologo >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" --no-build \
    --project "src/Tandem.Migrations.$provider" --startup-project src/Tandem.Host \
    --output-dir Migrations -- --Tandem:Database:Provider=$provider \
    --ConnectionStrings:Tandem="Host=localhost;Database=design_time_only" --Tandem:SeedDemo=false
done
dotnet format src/Tandem.Migrations.Sqlite --verbosity quiet || true
dotnet format src/Tandem.Migrations.Postgres --verbosity quiet || true

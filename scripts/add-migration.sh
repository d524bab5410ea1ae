#!/usr/bin/env bash
# Adds a migration with the same name to both providers' histories (SQLite and PostgreSQL).
# Usage: scripts/add-migration.sh NAME [CONTEXT]
#   CONTEXT is TandemDbContext (Tandem's own model, the default) or SandboxDbContext (the sandbox provider's books).
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh NAME [TandemDbContext|SandboxDbContext]}
context=${2:-TandemDbContext}
case "$context" in
  TandemDbContext) out=Migrations ;;
  SandboxDbContext) out=Migrations/Sandbox ;;
  *) echo "unknown context $context" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build src/Tandem.Host -v q -nologo >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" --no-build --context "$context" \
    --project "src/Tandem.Migrations.$provider" --startup-project src/Tandem.Host \
    --output-dir "$out" -- --Tandem:Database:Provider=$provider \
    --ConnectionStrings:Tandem="Host=localhost;Database=design_time_only" --Tandem:SeedDemo=false
done
dotnet format src/Tandem.Migrations.Sqlite --verbosity quiet || true
dotnet format src/Tandem.Migrations.Postgres --verbosity quiet || true

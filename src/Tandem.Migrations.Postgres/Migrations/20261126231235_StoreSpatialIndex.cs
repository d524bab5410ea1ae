using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <summary>
    /// Hand-written: a GiST index on point(Lng, Lat) of merchants.stores, which answers the bounding-box
    /// prefilter of nearby search (point &lt;@ box); the exact great-circle distance is computed after
    /// (docs/decisions/0004-nearby-search.md). The query must use the same expression to use the index.
    /// </summary>
    public partial class StoreSpatialIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_merchants_stores_location ON merchants.stores USING gist (point("Lng", "Lat"));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS merchants.ix_merchants_stores_location;");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// Hand-written: the R*Tree over store locations that drives nearby search, kept in step with
    /// merchants_stores by triggers (docs/decisions/0004-nearby-search.md). The insert trigger gives
    /// each store its integer R*Tree key (SpatialKey); SQLite serialises writers, so MAX + 1 is safe.
    /// A later migration that rebuilds merchants_stores drops these triggers and must create them again.
    /// </summary>
    public partial class StoreSpatialIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE merchants_stores_rtree USING rtree(id, minLat, maxLat, minLng, maxLng);
                """);
            migrationBuilder.Sql("""
                UPDATE merchants_stores SET SpatialKey = rowid WHERE SpatialKey IS NULL;
                """);
            migrationBuilder.Sql("""
                INSERT INTO merchants_stores_rtree (id, minLat, maxLat, minLng, maxLng)
                SELECT SpatialKey, Lat, Lat, Lng, Lng FROM merchants_stores;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER merchants_stores_spatial_insert AFTER INSERT ON merchants_stores
                BEGIN
                    UPDATE merchants_stores
                    SET SpatialKey = (SELECT COALESCE(MAX(SpatialKey), 0) + 1 FROM merchants_stores)
                    WHERE Id = new.Id;
                    INSERT INTO merchants_stores_rtree (id, minLat, maxLat, minLng, maxLng)
                    SELECT SpatialKey, Lat, Lat, Lng, Lng FROM merchants_stores WHERE Id = new.Id;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER merchants_stores_spatial_move AFTER UPDATE OF Lat, Lng ON merchants_stores
                BEGIN
                    UPDATE merchants_stores_rtree
                    SET minLat = new.Lat, maxLat = new.Lat, minLng = new.Lng, maxLng = new.Lng
                    WHERE id = new.SpatialKey;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER merchants_stores_spatial_delete AFTER DELETE ON merchants_stores
                BEGIN
                    DELETE FROM merchants_stores_rtree WHERE id = old.SpatialKey;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS merchants_stores_spatial_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS merchants_stores_spatial_move;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS merchants_stores_spatial_insert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS merchants_stores_rtree;");
            migrationBuilder.Sql("UPDATE merchants_stores SET SpatialKey = NULL;");
        }
    }
}

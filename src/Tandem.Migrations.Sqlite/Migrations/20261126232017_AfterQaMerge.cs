using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AfterQaMerge : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_merchants_stores_SpatialKey",
                table: "merchants_stores");

            migrationBuilder.AddColumn<string>(
                name: "LockedBy",
                table: "kernel_outbox",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LockedUntil",
                table: "kernel_outbox",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_merchants_stores_SpatialKey_Lat_Lng_Id_MerchantId_Name",
                table: "merchants_stores",
                columns: new[] { "SpatialKey", "Lat", "Lng", "Id", "MerchantId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_kernel_processed_events_ProcessedAt",
                table: "kernel_processed_events",
                column: "ProcessedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_merchants_stores_SpatialKey_Lat_Lng_Id_MerchantId_Name",
                table: "merchants_stores");

            migrationBuilder.DropIndex(
                name: "IX_kernel_processed_events_ProcessedAt",
                table: "kernel_processed_events");

            migrationBuilder.DropColumn(
                name: "LockedBy",
                table: "kernel_outbox");

            migrationBuilder.DropColumn(
                name: "LockedUntil",
                table: "kernel_outbox");

            migrationBuilder.CreateIndex(
                name: "IX_merchants_stores_SpatialKey",
                table: "merchants_stores",
                column: "SpatialKey",
                unique: true);
        }
    }
}

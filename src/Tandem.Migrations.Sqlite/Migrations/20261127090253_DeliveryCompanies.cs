using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DeliveryCompanies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CarrierId",
                table: "delivery_store_settings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "CarrierId",
                table: "delivery_jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "CompanyId",
                table: "delivery_couriers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RoleFromCompany",
                table: "delivery_couriers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "delivery_companies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreditCode = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_companies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "delivery_company_stores",
                columns: table => new
                {
                    CompanyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StoreId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AcceptedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_company_stores", x => new { x.CompanyId, x.StoreId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_delivery_store_settings_CarrierId",
                table: "delivery_store_settings",
                column: "CarrierId");

            migrationBuilder.CreateIndex(
                name: "IX_delivery_jobs_CarrierId_Status",
                table: "delivery_jobs",
                columns: new[] { "CarrierId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_delivery_couriers_CompanyId",
                table: "delivery_couriers",
                column: "CompanyId");

            migrationBuilder.CreateIndex(
                name: "IX_delivery_companies_CreditCode",
                table: "delivery_companies",
                column: "CreditCode",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_delivery_companies_OwnerId",
                table: "delivery_companies",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_delivery_company_stores_StoreId",
                table: "delivery_company_stores",
                column: "StoreId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "delivery_companies");

            migrationBuilder.DropTable(
                name: "delivery_company_stores");

            migrationBuilder.DropIndex(
                name: "IX_delivery_store_settings_CarrierId",
                table: "delivery_store_settings");

            migrationBuilder.DropIndex(
                name: "IX_delivery_jobs_CarrierId_Status",
                table: "delivery_jobs");

            migrationBuilder.DropIndex(
                name: "IX_delivery_couriers_CompanyId",
                table: "delivery_couriers");

            migrationBuilder.DropColumn(
                name: "CarrierId",
                table: "delivery_store_settings");

            migrationBuilder.DropColumn(
                name: "CarrierId",
                table: "delivery_jobs");

            migrationBuilder.DropColumn(
                name: "CompanyId",
                table: "delivery_couriers");

            migrationBuilder.DropColumn(
                name: "RoleFromCompany",
                table: "delivery_couriers");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DeliveryCompanies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CarrierId",
                schema: "delivery",
                table: "store_settings",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "CarrierId",
                schema: "delivery",
                table: "jobs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "CompanyId",
                schema: "delivery",
                table: "couriers",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RoleFromCompany",
                schema: "delivery",
                table: "couriers",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "companies",
                schema: "delivery",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CreditCode = table.Column<string>(type: "character varying(18)", maxLength: 18, nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_companies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "company_stores",
                schema: "delivery",
                columns: table => new
                {
                    CompanyId = table.Column<Guid>(type: "uuid", nullable: false),
                    StoreId = table.Column<Guid>(type: "uuid", nullable: false),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false),
                    AcceptedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_company_stores", x => new { x.CompanyId, x.StoreId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_store_settings_CarrierId",
                schema: "delivery",
                table: "store_settings",
                column: "CarrierId");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_CarrierId_Status",
                schema: "delivery",
                table: "jobs",
                columns: new[] { "CarrierId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_couriers_CompanyId",
                schema: "delivery",
                table: "couriers",
                column: "CompanyId");

            migrationBuilder.CreateIndex(
                name: "IX_companies_CreditCode",
                schema: "delivery",
                table: "companies",
                column: "CreditCode",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_companies_OwnerId",
                schema: "delivery",
                table: "companies",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_company_stores_StoreId",
                schema: "delivery",
                table: "company_stores",
                column: "StoreId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "companies",
                schema: "delivery");

            migrationBuilder.DropTable(
                name: "company_stores",
                schema: "delivery");

            migrationBuilder.DropIndex(
                name: "IX_store_settings_CarrierId",
                schema: "delivery",
                table: "store_settings");

            migrationBuilder.DropIndex(
                name: "IX_jobs_CarrierId_Status",
                schema: "delivery",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "IX_couriers_CompanyId",
                schema: "delivery",
                table: "couriers");

            migrationBuilder.DropColumn(
                name: "CarrierId",
                schema: "delivery",
                table: "store_settings");

            migrationBuilder.DropColumn(
                name: "CarrierId",
                schema: "delivery",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "CompanyId",
                schema: "delivery",
                table: "couriers");

            migrationBuilder.DropColumn(
                name: "RoleFromCompany",
                schema: "delivery",
                table: "couriers");
        }
    }
}

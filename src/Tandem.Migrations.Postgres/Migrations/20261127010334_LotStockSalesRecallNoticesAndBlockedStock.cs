using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class LotStockSalesRecallNoticesAndBlockedStock : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Blocked",
                schema: "inventory",
                table: "stock_items",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "lot_sales",
                schema: "trace",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LotStockId = table.Column<Guid>(type: "uuid", nullable: false),
                    LotKey = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Gtin = table.Column<string>(type: "character varying(14)", maxLength: 14, nullable: false),
                    LotNumber = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    StoreId = table.Column<Guid>(type: "uuid", nullable: false),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProductId = table.Column<Guid>(type: "uuid", nullable: false),
                    Quantity = table.Column<long>(type: "bigint", nullable: false),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: true),
                    CounterSaleId = table.Column<Guid>(type: "uuid", nullable: true),
                    ConsumerId = table.Column<Guid>(type: "uuid", nullable: true),
                    SoldAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lot_sales", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "lot_stock",
                schema: "trace",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    StoreId = table.Column<Guid>(type: "uuid", nullable: false),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProductId = table.Column<Guid>(type: "uuid", nullable: false),
                    LotKey = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Gtin = table.Column<string>(type: "character varying(14)", maxLength: 14, nullable: false),
                    LotNumber = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Received = table.Column<long>(type: "bigint", nullable: false),
                    Remaining = table.Column<long>(type: "bigint", nullable: false),
                    Blocked = table.Column<long>(type: "bigint", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReceivedBy = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lot_stock", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "recall_notices",
                schema: "trace",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RecallId = table.Column<Guid>(type: "uuid", nullable: false),
                    Audience = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    ConsumerId = table.Column<Guid>(type: "uuid", nullable: true),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: true),
                    StoreId = table.Column<Guid>(type: "uuid", nullable: true),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: true),
                    Gtin = table.Column<string>(type: "character varying(14)", maxLength: 14, nullable: false),
                    LotNumber = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Quantity = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recall_notices", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_lot_sales_ConsumerId",
                schema: "trace",
                table: "lot_sales",
                column: "ConsumerId");

            migrationBuilder.CreateIndex(
                name: "IX_lot_sales_LotKey",
                schema: "trace",
                table: "lot_sales",
                column: "LotKey");

            migrationBuilder.CreateIndex(
                name: "IX_lot_sales_OrderId",
                schema: "trace",
                table: "lot_sales",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_lot_stock_LotKey",
                schema: "trace",
                table: "lot_stock",
                column: "LotKey");

            migrationBuilder.CreateIndex(
                name: "IX_lot_stock_StoreId_ProductId_ReceivedAt",
                schema: "trace",
                table: "lot_stock",
                columns: new[] { "StoreId", "ProductId", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_recall_notices_ConsumerId_CreatedAt",
                schema: "trace",
                table: "recall_notices",
                columns: new[] { "ConsumerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_recall_notices_MerchantId_CreatedAt",
                schema: "trace",
                table: "recall_notices",
                columns: new[] { "MerchantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_recall_notices_RecallId",
                schema: "trace",
                table: "recall_notices",
                column: "RecallId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lot_sales",
                schema: "trace");

            migrationBuilder.DropTable(
                name: "lot_stock",
                schema: "trace");

            migrationBuilder.DropTable(
                name: "recall_notices",
                schema: "trace");

            migrationBuilder.DropColumn(
                name: "Blocked",
                schema: "inventory",
                table: "stock_items");
        }
    }
}

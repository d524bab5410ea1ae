using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LotStockSalesRecallNoticesAndBlockedStock : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Blocked",
                table: "inventory_stock_items",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "trace_lot_sales",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    LotStockId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LotKey = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Gtin = table.Column<string>(type: "TEXT", maxLength: 14, nullable: false),
                    LotNumber = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    StoreId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProductId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Quantity = table.Column<long>(type: "INTEGER", nullable: false),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CounterSaleId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ConsumerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SoldAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_lot_sales", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "trace_lot_stock",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    StoreId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProductId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LotKey = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Gtin = table.Column<string>(type: "TEXT", maxLength: 14, nullable: false),
                    LotNumber = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Received = table.Column<long>(type: "INTEGER", nullable: false),
                    Remaining = table.Column<long>(type: "INTEGER", nullable: false),
                    Blocked = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReceivedBy = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_lot_stock", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "trace_recall_notices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RecallId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Audience = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    ConsumerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: true),
                    StoreId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Gtin = table.Column<string>(type: "TEXT", maxLength: 14, nullable: false),
                    LotNumber = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Quantity = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_recall_notices", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_trace_lot_sales_ConsumerId",
                table: "trace_lot_sales",
                column: "ConsumerId");

            migrationBuilder.CreateIndex(
                name: "IX_trace_lot_sales_LotKey",
                table: "trace_lot_sales",
                column: "LotKey");

            migrationBuilder.CreateIndex(
                name: "IX_trace_lot_sales_OrderId",
                table: "trace_lot_sales",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_trace_lot_stock_LotKey",
                table: "trace_lot_stock",
                column: "LotKey");

            migrationBuilder.CreateIndex(
                name: "IX_trace_lot_stock_StoreId_ProductId_ReceivedAt",
                table: "trace_lot_stock",
                columns: new[] { "StoreId", "ProductId", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_trace_recall_notices_ConsumerId_CreatedAt",
                table: "trace_recall_notices",
                columns: new[] { "ConsumerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_trace_recall_notices_MerchantId_CreatedAt",
                table: "trace_recall_notices",
                columns: new[] { "MerchantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_trace_recall_notices_RecallId",
                table: "trace_recall_notices",
                column: "RecallId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "trace_lot_sales");

            migrationBuilder.DropTable(
                name: "trace_lot_stock");

            migrationBuilder.DropTable(
                name: "trace_recall_notices");

            migrationBuilder.DropColumn(
                name: "Blocked",
                table: "inventory_stock_items");
        }
    }
}

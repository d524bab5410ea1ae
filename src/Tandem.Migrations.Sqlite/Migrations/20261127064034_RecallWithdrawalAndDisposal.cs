using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RecallWithdrawalAndDisposal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_trace_recalls_LotKey",
                table: "trace_recalls");

            migrationBuilder.AddColumn<string>(
                name: "WithdrawalReason",
                table: "trace_recalls",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "WithdrawnAt",
                table: "trace_recalls",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "WithdrawnBy",
                table: "trace_recalls",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "trace_recall_notices",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "recall");

            migrationBuilder.CreateTable(
                name: "trace_recall_blocks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RecallId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LotStockId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StoreId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProductId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Quantity = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_recall_blocks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "trace_recall_lots",
                columns: table => new
                {
                    RecallId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LotKey = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_recall_lots", x => new { x.RecallId, x.LotKey });
                });

            migrationBuilder.CreateIndex(
                name: "IX_trace_recalls_LotKey",
                table: "trace_recalls",
                column: "LotKey",
                unique: true,
                filter: "\"WithdrawnAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_trace_recall_blocks_LotStockId",
                table: "trace_recall_blocks",
                column: "LotStockId");

            migrationBuilder.CreateIndex(
                name: "IX_trace_recall_blocks_RecallId",
                table: "trace_recall_blocks",
                column: "RecallId");

            migrationBuilder.CreateIndex(
                name: "IX_trace_recall_lots_LotKey",
                table: "trace_recall_lots",
                column: "LotKey");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "trace_recall_blocks");

            migrationBuilder.DropTable(
                name: "trace_recall_lots");

            migrationBuilder.DropIndex(
                name: "IX_trace_recalls_LotKey",
                table: "trace_recalls");

            migrationBuilder.DropColumn(
                name: "WithdrawalReason",
                table: "trace_recalls");

            migrationBuilder.DropColumn(
                name: "WithdrawnAt",
                table: "trace_recalls");

            migrationBuilder.DropColumn(
                name: "WithdrawnBy",
                table: "trace_recalls");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "trace_recall_notices");

            migrationBuilder.CreateIndex(
                name: "IX_trace_recalls_LotKey",
                table: "trace_recalls",
                column: "LotKey",
                unique: true);
        }
    }
}

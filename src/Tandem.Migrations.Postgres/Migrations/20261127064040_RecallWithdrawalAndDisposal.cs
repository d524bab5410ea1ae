using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RecallWithdrawalAndDisposal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_recalls_LotKey",
                schema: "trace",
                table: "recalls");

            migrationBuilder.AddColumn<string>(
                name: "WithdrawalReason",
                schema: "trace",
                table: "recalls",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "WithdrawnAt",
                schema: "trace",
                table: "recalls",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "WithdrawnBy",
                schema: "trace",
                table: "recalls",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                schema: "trace",
                table: "recall_notices",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "recall");

            migrationBuilder.CreateTable(
                name: "recall_blocks",
                schema: "trace",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RecallId = table.Column<Guid>(type: "uuid", nullable: false),
                    LotStockId = table.Column<Guid>(type: "uuid", nullable: false),
                    StoreId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProductId = table.Column<Guid>(type: "uuid", nullable: false),
                    Quantity = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recall_blocks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "recall_lots",
                schema: "trace",
                columns: table => new
                {
                    RecallId = table.Column<Guid>(type: "uuid", nullable: false),
                    LotKey = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recall_lots", x => new { x.RecallId, x.LotKey });
                });

            migrationBuilder.CreateIndex(
                name: "IX_recalls_LotKey",
                schema: "trace",
                table: "recalls",
                column: "LotKey",
                unique: true,
                filter: "\"WithdrawnAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_recall_blocks_LotStockId",
                schema: "trace",
                table: "recall_blocks",
                column: "LotStockId");

            migrationBuilder.CreateIndex(
                name: "IX_recall_blocks_RecallId",
                schema: "trace",
                table: "recall_blocks",
                column: "RecallId");

            migrationBuilder.CreateIndex(
                name: "IX_recall_lots_LotKey",
                schema: "trace",
                table: "recall_lots",
                column: "LotKey");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "recall_blocks",
                schema: "trace");

            migrationBuilder.DropTable(
                name: "recall_lots",
                schema: "trace");

            migrationBuilder.DropIndex(
                name: "IX_recalls_LotKey",
                schema: "trace",
                table: "recalls");

            migrationBuilder.DropColumn(
                name: "WithdrawalReason",
                schema: "trace",
                table: "recalls");

            migrationBuilder.DropColumn(
                name: "WithdrawnAt",
                schema: "trace",
                table: "recalls");

            migrationBuilder.DropColumn(
                name: "WithdrawnBy",
                schema: "trace",
                table: "recalls");

            migrationBuilder.DropColumn(
                name: "Kind",
                schema: "trace",
                table: "recall_notices");

            migrationBuilder.CreateIndex(
                name: "IX_recalls_LotKey",
                schema: "trace",
                table: "recalls",
                column: "LotKey",
                unique: true);
        }
    }
}

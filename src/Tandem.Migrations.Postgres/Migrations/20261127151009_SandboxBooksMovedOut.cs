using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SandboxBooksMovedOut : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sandbox_notifications",
                schema: "payments");

            migrationBuilder.DropTable(
                name: "sandbox_payments",
                schema: "payments");

            migrationBuilder.DropTable(
                name: "sandbox_refunds",
                schema: "payments");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sandbox_notifications",
                schema: "payments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DeliveredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    PaymentId = table.Column<Guid>(type: "uuid", nullable: false),
                    SandboxPaymentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Sequence = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sandbox_notifications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sandbox_payments",
                schema: "payments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    PayerId = table.Column<Guid>(type: "uuid", nullable: false),
                    PaymentId = table.Column<Guid>(type: "uuid", nullable: false),
                    RefundedAmount = table.Column<long>(type: "bigint", nullable: false),
                    SettledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sandbox_payments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sandbox_refunds",
                schema: "payments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RefundId = table.Column<Guid>(type: "uuid", nullable: false),
                    SandboxPaymentId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sandbox_refunds", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_sandbox_notifications_DeliveredAt_NextAttemptAt",
                schema: "payments",
                table: "sandbox_notifications",
                columns: new[] { "DeliveredAt", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_sandbox_notifications_PaymentId",
                schema: "payments",
                table: "sandbox_notifications",
                column: "PaymentId");

            migrationBuilder.CreateIndex(
                name: "IX_sandbox_notifications_SandboxPaymentId",
                schema: "payments",
                table: "sandbox_notifications",
                column: "SandboxPaymentId");

            migrationBuilder.CreateIndex(
                name: "IX_sandbox_payments_PaymentId",
                schema: "payments",
                table: "sandbox_payments",
                column: "PaymentId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sandbox_refunds_RefundId",
                schema: "payments",
                table: "sandbox_refunds",
                column: "RefundId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_sandbox_refunds_SandboxPaymentId",
                schema: "payments",
                table: "sandbox_refunds",
                column: "SandboxPaymentId");
        }
    }
}

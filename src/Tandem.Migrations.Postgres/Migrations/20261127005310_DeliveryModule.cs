using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class DeliveryModule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "delivery");

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliveredAt",
                schema: "ordering",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliveryFailedAt",
                schema: "ordering",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryFailureReason",
                schema: "ordering",
                table: "orders",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliverySlotStart",
                schema: "ordering",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliveryWindowEnd",
                schema: "ordering",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliveryWindowStart",
                schema: "ordering",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OutForDeliveryAt",
                schema: "ordering",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReturnedAt",
                schema: "ordering",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "couriers",
                schema: "delivery",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    OnShift = table.Column<bool>(type: "boolean", nullable: false),
                    Vehicle = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Capacity = table.Column<int>(type: "integer", nullable: false),
                    ShiftStartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastLat = table.Column<double>(type: "double precision", nullable: true),
                    LastLng = table.Column<double>(type: "double precision", nullable: true),
                    LastSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_couriers", x => x.UserId);
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                schema: "delivery",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false),
                    StoreId = table.Column<Guid>(type: "uuid", nullable: false),
                    ConsumerId = table.Column<Guid>(type: "uuid", nullable: false),
                    StoreLat = table.Column<double>(type: "double precision", nullable: false),
                    StoreLng = table.Column<double>(type: "double precision", nullable: false),
                    Address = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DestinationLat = table.Column<double>(type: "double precision", nullable: false),
                    DestinationLng = table.Column<double>(type: "double precision", nullable: false),
                    Items = table.Column<int>(type: "integer", nullable: false),
                    Asap = table.Column<bool>(type: "boolean", nullable: false),
                    WindowStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    WindowEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    JobCode = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CourierId = table.Column<Guid>(type: "uuid", nullable: true),
                    ManualAssignment = table.Column<bool>(type: "boolean", nullable: false),
                    RouteIndex = table.Column<int>(type: "integer", nullable: true),
                    PlannedPickupAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PlannedDeliveryAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Flag = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpectedReadyAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReadyAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    AssignedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PickedUpAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DeliveredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FailedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FailureReason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    ReturnedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CancelledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "positions",
                schema: "delivery",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CourierId = table.Column<Guid>(type: "uuid", nullable: false),
                    Lat = table.Column<double>(type: "double precision", nullable: false),
                    Lng = table.Column<double>(type: "double precision", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AccuracyM = table.Column<double>(type: "double precision", nullable: true),
                    Flagged = table.Column<bool>(type: "boolean", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_positions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "slot_bookings",
                schema: "delivery",
                columns: table => new
                {
                    StoreId = table.Column<Guid>(type: "uuid", nullable: false),
                    SlotStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Capacity = table.Column<int>(type: "integer", nullable: false),
                    Taken = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_slot_bookings", x => new { x.StoreId, x.SlotStart });
                });

            migrationBuilder.CreateTable(
                name: "store_settings",
                schema: "delivery",
                columns: table => new
                {
                    StoreId = table.Column<Guid>(type: "uuid", nullable: false),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false),
                    RadiusKm = table.Column<double>(type: "double precision", nullable: true),
                    AreaGeoJson = table.Column<string>(type: "character varying(100000)", maxLength: 100000, nullable: true),
                    BaseFee = table.Column<long>(type: "bigint", nullable: false),
                    PerKmFee = table.Column<long>(type: "bigint", nullable: false),
                    FreeAbove = table.Column<long>(type: "bigint", nullable: true),
                    MinimumOrder = table.Column<long>(type: "bigint", nullable: false),
                    PreparationMinutes = table.Column<int>(type: "integer", nullable: false),
                    UtcOffsetMinutes = table.Column<int>(type: "integer", nullable: false),
                    SlotsJson = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_store_settings", x => x.StoreId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_couriers_OnShift",
                schema: "delivery",
                table: "couriers",
                column: "OnShift");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_CourierId_Status",
                schema: "delivery",
                table: "jobs",
                columns: new[] { "CourierId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_OrderId",
                schema: "delivery",
                table: "jobs",
                column: "OrderId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_jobs_Status_CourierId",
                schema: "delivery",
                table: "jobs",
                columns: new[] { "Status", "CourierId" });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_StoreId_CreatedAt",
                schema: "delivery",
                table: "jobs",
                columns: new[] { "StoreId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_StoreId_JobCode",
                schema: "delivery",
                table: "jobs",
                columns: new[] { "StoreId", "JobCode" });

            migrationBuilder.CreateIndex(
                name: "IX_positions_At",
                schema: "delivery",
                table: "positions",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_positions_CourierId_At",
                schema: "delivery",
                table: "positions",
                columns: new[] { "CourierId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_store_settings_MerchantId",
                schema: "delivery",
                table: "store_settings",
                column: "MerchantId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "couriers",
                schema: "delivery");

            migrationBuilder.DropTable(
                name: "jobs",
                schema: "delivery");

            migrationBuilder.DropTable(
                name: "positions",
                schema: "delivery");

            migrationBuilder.DropTable(
                name: "slot_bookings",
                schema: "delivery");

            migrationBuilder.DropTable(
                name: "store_settings",
                schema: "delivery");

            migrationBuilder.DropColumn(
                name: "DeliveredAt",
                schema: "ordering",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "DeliveryFailedAt",
                schema: "ordering",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "DeliveryFailureReason",
                schema: "ordering",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "DeliverySlotStart",
                schema: "ordering",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "DeliveryWindowEnd",
                schema: "ordering",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "DeliveryWindowStart",
                schema: "ordering",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "OutForDeliveryAt",
                schema: "ordering",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "ReturnedAt",
                schema: "ordering",
                table: "orders");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class DeliveryModule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "DeliveredAt",
                table: "ordering_orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliveryFailedAt",
                table: "ordering_orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeliveryFailureReason",
                table: "ordering_orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliverySlotStart",
                table: "ordering_orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliveryWindowEnd",
                table: "ordering_orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DeliveryWindowStart",
                table: "ordering_orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OutForDeliveryAt",
                table: "ordering_orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReturnedAt",
                table: "ordering_orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "delivery_couriers",
                columns: table => new
                {
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OnShift = table.Column<bool>(type: "INTEGER", nullable: false),
                    Vehicle = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Capacity = table.Column<int>(type: "INTEGER", nullable: false),
                    ShiftStartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastLat = table.Column<double>(type: "REAL", nullable: true),
                    LastLng = table.Column<double>(type: "REAL", nullable: true),
                    LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_couriers", x => x.UserId);
                });

            migrationBuilder.CreateTable(
                name: "delivery_jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StoreId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConsumerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StoreLat = table.Column<double>(type: "REAL", nullable: false),
                    StoreLng = table.Column<double>(type: "REAL", nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    DestinationLat = table.Column<double>(type: "REAL", nullable: false),
                    DestinationLng = table.Column<double>(type: "REAL", nullable: false),
                    Items = table.Column<int>(type: "INTEGER", nullable: false),
                    Asap = table.Column<bool>(type: "INTEGER", nullable: false),
                    WindowStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    WindowEnd = table.Column<DateTime>(type: "TEXT", nullable: false),
                    JobCode = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CourierId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ManualAssignment = table.Column<bool>(type: "INTEGER", nullable: false),
                    RouteIndex = table.Column<int>(type: "INTEGER", nullable: true),
                    PlannedPickupAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PlannedDeliveryAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Flag = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpectedReadyAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReadyAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AssignedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PickedUpAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DeliveredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FailedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FailureReason = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    ReturnedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CancelledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "delivery_positions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CourierId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Lat = table.Column<double>(type: "REAL", nullable: false),
                    Lng = table.Column<double>(type: "REAL", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AccuracyM = table.Column<double>(type: "REAL", nullable: true),
                    Flagged = table.Column<bool>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_positions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "delivery_slot_bookings",
                columns: table => new
                {
                    StoreId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SlotStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Capacity = table.Column<int>(type: "INTEGER", nullable: false),
                    Taken = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_slot_bookings", x => new { x.StoreId, x.SlotStart });
                });

            migrationBuilder.CreateTable(
                name: "delivery_store_settings",
                columns: table => new
                {
                    StoreId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RadiusKm = table.Column<double>(type: "REAL", nullable: true),
                    AreaGeoJson = table.Column<string>(type: "TEXT", maxLength: 100000, nullable: true),
                    BaseFee = table.Column<long>(type: "INTEGER", nullable: false),
                    PerKmFee = table.Column<long>(type: "INTEGER", nullable: false),
                    FreeAbove = table.Column<long>(type: "INTEGER", nullable: true),
                    MinimumOrder = table.Column<long>(type: "INTEGER", nullable: false),
                    PreparationMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    UtcOffsetMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    SlotsJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_store_settings", x => x.StoreId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_delivery_couriers_OnShift",
                table: "delivery_couriers",
                column: "OnShift");

            migrationBuilder.CreateIndex(
                name: "IX_delivery_jobs_CourierId_Status",
                table: "delivery_jobs",
                columns: new[] { "CourierId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_delivery_jobs_OrderId",
                table: "delivery_jobs",
                column: "OrderId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_delivery_jobs_Status_CourierId",
                table: "delivery_jobs",
                columns: new[] { "Status", "CourierId" });

            migrationBuilder.CreateIndex(
                name: "IX_delivery_jobs_StoreId_CreatedAt",
                table: "delivery_jobs",
                columns: new[] { "StoreId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_delivery_jobs_StoreId_JobCode",
                table: "delivery_jobs",
                columns: new[] { "StoreId", "JobCode" });

            migrationBuilder.CreateIndex(
                name: "IX_delivery_positions_At",
                table: "delivery_positions",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_delivery_positions_CourierId_At",
                table: "delivery_positions",
                columns: new[] { "CourierId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_delivery_store_settings_MerchantId",
                table: "delivery_store_settings",
                column: "MerchantId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "delivery_couriers");

            migrationBuilder.DropTable(
                name: "delivery_jobs");

            migrationBuilder.DropTable(
                name: "delivery_positions");

            migrationBuilder.DropTable(
                name: "delivery_slot_bookings");

            migrationBuilder.DropTable(
                name: "delivery_store_settings");

            migrationBuilder.DropColumn(
                name: "DeliveredAt",
                table: "ordering_orders");

            migrationBuilder.DropColumn(
                name: "DeliveryFailedAt",
                table: "ordering_orders");

            migrationBuilder.DropColumn(
                name: "DeliveryFailureReason",
                table: "ordering_orders");

            migrationBuilder.DropColumn(
                name: "DeliverySlotStart",
                table: "ordering_orders");

            migrationBuilder.DropColumn(
                name: "DeliveryWindowEnd",
                table: "ordering_orders");

            migrationBuilder.DropColumn(
                name: "DeliveryWindowStart",
                table: "ordering_orders");

            migrationBuilder.DropColumn(
                name: "OutForDeliveryAt",
                table: "ordering_orders");

            migrationBuilder.DropColumn(
                name: "ReturnedAt",
                table: "ordering_orders");
        }
    }
}

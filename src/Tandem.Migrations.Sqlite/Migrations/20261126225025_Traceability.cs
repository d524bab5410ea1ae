using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Traceability : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "trace_capture_jobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CapturedBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Success = table.Column<bool>(type: "INTEGER", nullable: false),
                    EventCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ErrorsJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_capture_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "trace_chain_checkpoints",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Seq = table.Column<long>(type: "INTEGER", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SignedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_chain_checkpoints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "trace_chains",
                columns: table => new
                {
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LastSeq = table.Column<long>(type: "INTEGER", nullable: false),
                    LastHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_chains", x => x.MerchantId);
                });

            migrationBuilder.CreateTable(
                name: "trace_event_keys",
                columns: table => new
                {
                    EventRowId = table.Column<long>(type: "INTEGER", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_event_keys", x => new { x.EventRowId, x.Role, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "trace_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaptureId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    EventIdAssigned = table.Column<bool>(type: "INTEGER", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    BizStep = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Disposition = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ReadPoint = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    BizLocation = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    EventTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RecordTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    Context = table.Column<string>(type: "TEXT", nullable: true),
                    ChainSeq = table.Column<long>(type: "INTEGER", nullable: false),
                    PrevHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "trace_links",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FromKey = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ToKey = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    EventRowId = table.Column<long>(type: "INTEGER", nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_links", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "trace_lots",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProductId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Gtin = table.Column<string>(type: "TEXT", maxLength: 14, nullable: false),
                    LotNumber = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ProductName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_lots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "trace_recalls",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    LotKey = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Gtin = table.Column<string>(type: "TEXT", maxLength: 14, nullable: false),
                    LotNumber = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    MerchantId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RecalledBy = table.Column<Guid>(type: "TEXT", nullable: false),
                    ByRegulator = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    RecalledAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AffectedLots = table.Column<int>(type: "INTEGER", nullable: false),
                    AffectedStores = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_recalls", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "trace_signing_keys",
                columns: table => new
                {
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PublicKeyPem = table.Column<string>(type: "TEXT", nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trace_signing_keys", x => x.KeyId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_trace_chain_checkpoints_MerchantId_Seq",
                table: "trace_chain_checkpoints",
                columns: new[] { "MerchantId", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_trace_event_keys_Key_Role_EventRowId",
                table: "trace_event_keys",
                columns: new[] { "Key", "Role", "EventRowId" });

            migrationBuilder.CreateIndex(
                name: "IX_trace_events_BizLocation",
                table: "trace_events",
                column: "BizLocation");

            migrationBuilder.CreateIndex(
                name: "IX_trace_events_CaptureId",
                table: "trace_events",
                column: "CaptureId");

            migrationBuilder.CreateIndex(
                name: "IX_trace_events_EventTime_Id",
                table: "trace_events",
                columns: new[] { "EventTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_trace_events_MerchantId_ChainSeq",
                table: "trace_events",
                columns: new[] { "MerchantId", "ChainSeq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_trace_events_MerchantId_EventId",
                table: "trace_events",
                columns: new[] { "MerchantId", "EventId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_trace_events_MerchantId_EventTime_Id",
                table: "trace_events",
                columns: new[] { "MerchantId", "EventTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_trace_events_MerchantId_RecordTime_Id",
                table: "trace_events",
                columns: new[] { "MerchantId", "RecordTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_trace_links_FromKey_Kind_ToKey",
                table: "trace_links",
                columns: new[] { "FromKey", "Kind", "ToKey" });

            migrationBuilder.CreateIndex(
                name: "IX_trace_links_ToKey_Kind_FromKey",
                table: "trace_links",
                columns: new[] { "ToKey", "Kind", "FromKey" });

            migrationBuilder.CreateIndex(
                name: "IX_trace_lots_Key",
                table: "trace_lots",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_trace_lots_MerchantId_CreatedAt",
                table: "trace_lots",
                columns: new[] { "MerchantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_trace_recalls_LotKey",
                table: "trace_recalls",
                column: "LotKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "trace_capture_jobs");

            migrationBuilder.DropTable(
                name: "trace_chain_checkpoints");

            migrationBuilder.DropTable(
                name: "trace_chains");

            migrationBuilder.DropTable(
                name: "trace_event_keys");

            migrationBuilder.DropTable(
                name: "trace_events");

            migrationBuilder.DropTable(
                name: "trace_links");

            migrationBuilder.DropTable(
                name: "trace_lots");

            migrationBuilder.DropTable(
                name: "trace_recalls");

            migrationBuilder.DropTable(
                name: "trace_signing_keys");
        }
    }
}

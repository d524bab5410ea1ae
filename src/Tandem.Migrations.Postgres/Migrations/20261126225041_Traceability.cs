using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tandem.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Traceability : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "trace");

            migrationBuilder.CreateTable(
                name: "capture_jobs",
                schema: "trace",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false),
                    CapturedBy = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Success = table.Column<bool>(type: "boolean", nullable: false),
                    EventCount = table.Column<int>(type: "integer", nullable: false),
                    ErrorsJson = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_capture_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "chain_checkpoints",
                schema: "trace",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Seq = table.Column<long>(type: "bigint", nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SignedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    KeyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Signature = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_chain_checkpoints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "chains",
                schema: "trace",
                columns: table => new
                {
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false),
                    LastSeq = table.Column<long>(type: "bigint", nullable: false),
                    LastHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_chains", x => x.MerchantId);
                });

            migrationBuilder.CreateTable(
                name: "event_keys",
                schema: "trace",
                columns: table => new
                {
                    EventRowId = table.Column<long>(type: "bigint", nullable: false),
                    Role = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Key = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_keys", x => new { x.EventRowId, x.Role, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "events",
                schema: "trace",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false),
                    CaptureId = table.Column<Guid>(type: "uuid", nullable: false),
                    EventId = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    EventIdAssigned = table.Column<bool>(type: "boolean", nullable: false),
                    Type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    BizStep = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Disposition = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ReadPoint = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    BizLocation = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    EventTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RecordTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Json = table.Column<string>(type: "text", nullable: false),
                    Context = table.Column<string>(type: "text", nullable: true),
                    ChainSeq = table.Column<long>(type: "bigint", nullable: false),
                    PrevHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "links",
                schema: "trace",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FromKey = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    ToKey = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    EventRowId = table.Column<long>(type: "bigint", nullable: false),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_links", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "lots",
                schema: "trace",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProductId = table.Column<Guid>(type: "uuid", nullable: true),
                    Gtin = table.Column<string>(type: "character varying(14)", maxLength: 14, nullable: false),
                    LotNumber = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Key = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    ProductName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Origin = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "recalls",
                schema: "trace",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LotKey = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Gtin = table.Column<string>(type: "character varying(14)", maxLength: 14, nullable: false),
                    LotNumber = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    MerchantId = table.Column<Guid>(type: "uuid", nullable: true),
                    RecalledBy = table.Column<Guid>(type: "uuid", nullable: false),
                    ByRegulator = table.Column<bool>(type: "boolean", nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    RecalledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AffectedLots = table.Column<int>(type: "integer", nullable: false),
                    AffectedStores = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recalls", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "signing_keys",
                schema: "trace",
                columns: table => new
                {
                    KeyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PublicKeyPem = table.Column<string>(type: "text", nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_signing_keys", x => x.KeyId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_chain_checkpoints_MerchantId_Seq",
                schema: "trace",
                table: "chain_checkpoints",
                columns: new[] { "MerchantId", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_event_keys_Key_Role_EventRowId",
                schema: "trace",
                table: "event_keys",
                columns: new[] { "Key", "Role", "EventRowId" });

            migrationBuilder.CreateIndex(
                name: "IX_events_BizLocation",
                schema: "trace",
                table: "events",
                column: "BizLocation");

            migrationBuilder.CreateIndex(
                name: "IX_events_CaptureId",
                schema: "trace",
                table: "events",
                column: "CaptureId");

            migrationBuilder.CreateIndex(
                name: "IX_events_EventTime_Id",
                schema: "trace",
                table: "events",
                columns: new[] { "EventTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_events_MerchantId_ChainSeq",
                schema: "trace",
                table: "events",
                columns: new[] { "MerchantId", "ChainSeq" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_events_MerchantId_EventId",
                schema: "trace",
                table: "events",
                columns: new[] { "MerchantId", "EventId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_events_MerchantId_EventTime_Id",
                schema: "trace",
                table: "events",
                columns: new[] { "MerchantId", "EventTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_events_MerchantId_RecordTime_Id",
                schema: "trace",
                table: "events",
                columns: new[] { "MerchantId", "RecordTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_links_FromKey_Kind_ToKey",
                schema: "trace",
                table: "links",
                columns: new[] { "FromKey", "Kind", "ToKey" });

            migrationBuilder.CreateIndex(
                name: "IX_links_ToKey_Kind_FromKey",
                schema: "trace",
                table: "links",
                columns: new[] { "ToKey", "Kind", "FromKey" });

            migrationBuilder.CreateIndex(
                name: "IX_lots_Key",
                schema: "trace",
                table: "lots",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_lots_MerchantId_CreatedAt",
                schema: "trace",
                table: "lots",
                columns: new[] { "MerchantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_recalls_LotKey",
                schema: "trace",
                table: "recalls",
                column: "LotKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "capture_jobs",
                schema: "trace");

            migrationBuilder.DropTable(
                name: "chain_checkpoints",
                schema: "trace");

            migrationBuilder.DropTable(
                name: "chains",
                schema: "trace");

            migrationBuilder.DropTable(
                name: "event_keys",
                schema: "trace");

            migrationBuilder.DropTable(
                name: "events",
                schema: "trace");

            migrationBuilder.DropTable(
                name: "links",
                schema: "trace");

            migrationBuilder.DropTable(
                name: "lots",
                schema: "trace");

            migrationBuilder.DropTable(
                name: "recalls",
                schema: "trace");

            migrationBuilder.DropTable(
                name: "signing_keys",
                schema: "trace");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrimCloud.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ForwarderControl : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ForwarderCommands",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    StudyInstanceUid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    AccessionNumber = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    State = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ClaimedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    Instances = table.Column<int>(type: "integer", nullable: true),
                    Detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ForwarderCommands", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ForwarderStatuses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    HostName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ReportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    QueueDepth = table.Column<int>(type: "integer", nullable: false),
                    QueueBytes = table.Column<long>(type: "bigint", nullable: false),
                    OldestPendingAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FailedItems = table.Column<int>(type: "integer", nullable: false),
                    LastUploadAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    LastErrorAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PacsLink = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    PacsDetail = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ForwarderStatuses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ForwarderCommands_TenantId_ClientId_State_CreatedAt",
                table: "ForwarderCommands",
                columns: new[] { "TenantId", "ClientId", "State", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ForwarderStatuses_TenantId_ClientId",
                table: "ForwarderStatuses",
                columns: new[] { "TenantId", "ClientId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ForwarderCommands");

            migrationBuilder.DropTable(
                name: "ForwarderStatuses");
        }
    }
}

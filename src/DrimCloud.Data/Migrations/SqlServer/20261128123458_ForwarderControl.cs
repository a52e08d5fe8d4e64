using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrimCloud.Data.Migrations.SqlServer
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
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    TenantId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ClientId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<int>(type: "int", nullable: false),
                    StudyInstanceUid = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    AccessionNumber = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    State = table.Column<int>(type: "int", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ClaimedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    Instances = table.Column<int>(type: "int", nullable: true),
                    Detail = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ForwarderCommands", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ForwarderStatuses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    TenantId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ClientId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Version = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    HostName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ReportedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    QueueDepth = table.Column<int>(type: "int", nullable: false),
                    QueueBytes = table.Column<long>(type: "bigint", nullable: false),
                    OldestPendingAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    FailedItems = table.Column<int>(type: "int", nullable: false),
                    LastUploadAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LastError = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    LastErrorAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    PacsLink = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    PacsDetail = table.Column<string>(type: "nvarchar(400)", maxLength: 400, nullable: true)
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

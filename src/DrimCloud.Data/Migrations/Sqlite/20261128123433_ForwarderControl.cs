using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrimCloud.Data.Migrations.Sqlite
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    StudyInstanceUid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    AccessionNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ClaimedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Instances = table.Column<int>(type: "INTEGER", nullable: true),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ForwarderCommands", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ForwarderStatuses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    HostName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ReportedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    QueueDepth = table.Column<int>(type: "INTEGER", nullable: false),
                    QueueBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    OldestPendingAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FailedItems = table.Column<int>(type: "INTEGER", nullable: false),
                    LastUploadAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    LastErrorAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PacsLink = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PacsDetail = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true)
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

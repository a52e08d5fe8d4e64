using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrimCloud.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Reports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Reports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    DocumentId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ParentDocumentId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ReplacesReportId = table.Column<Guid>(type: "uuid", nullable: true),
                    SetId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    VersionNumber = table.Column<int>(type: "integer", nullable: true),
                    Title = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    PatientIns = table.Column<string>(type: "character varying(15)", maxLength: 15, nullable: true),
                    PatientInsOid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LocalPatientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LocalPatientIdIssuer = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PatientId = table.Column<Guid>(type: "uuid", nullable: true),
                    AccessionNumber = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    StudyInstanceUid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    StudyId = table.Column<Guid>(type: "uuid", nullable: true),
                    MessageType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    MessageControlId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SendingApplication = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    SendingFacility = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    MessageSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MessageLength = table.Column<long>(type: "bigint", nullable: false),
                    MessageBlobKey = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CdaBlobKey = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CdaLength = table.Column<long>(type: "bigint", nullable: false),
                    CdaSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    FlagsJson = table.Column<string>(type: "text", nullable: true),
                    ReceivedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Reports_Patients_PatientId",
                        column: x => x.PatientId,
                        principalTable: "Patients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Reports_Studies_StudyId",
                        column: x => x.StudyId,
                        principalTable: "Studies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Reports_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Reports_PatientId",
                table: "Reports",
                column: "PatientId");

            migrationBuilder.CreateIndex(
                name: "IX_Reports_StudyId",
                table: "Reports",
                column: "StudyId");

            migrationBuilder.CreateIndex(
                name: "IX_Reports_TenantId_DocumentId",
                table: "Reports",
                columns: new[] { "TenantId", "DocumentId" });

            migrationBuilder.CreateIndex(
                name: "IX_Reports_TenantId_MessageSha256",
                table: "Reports",
                columns: new[] { "TenantId", "MessageSha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Reports_TenantId_PatientIns_PatientInsOid",
                table: "Reports",
                columns: new[] { "TenantId", "PatientIns", "PatientInsOid" });

            migrationBuilder.CreateIndex(
                name: "IX_Reports_TenantId_ReceivedAt",
                table: "Reports",
                columns: new[] { "TenantId", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Reports_TenantId_StudyInstanceUid",
                table: "Reports",
                columns: new[] { "TenantId", "StudyInstanceUid" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Reports");
        }
    }
}

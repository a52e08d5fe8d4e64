using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DrimCloud.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class QueryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Studies_TenantId_AccessionNumber",
                table: "Studies");

            migrationBuilder.DropIndex(
                name: "IX_Studies_TenantId_DicomPatientId",
                table: "Studies");

            migrationBuilder.DropIndex(
                name: "IX_Studies_TenantId_PatientNameSearch",
                table: "Studies");

            migrationBuilder.DropIndex(
                name: "IX_Studies_TenantId_StudyDate",
                table: "Studies");

            migrationBuilder.CreateIndex(
                name: "IX_Studies_TenantId_AccessionNumber_StudyDate_StudyTime_Id",
                table: "Studies",
                columns: new[] { "TenantId", "AccessionNumber", "StudyDate", "StudyTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Studies_TenantId_DicomPatientId_StudyDate_StudyTime_Id",
                table: "Studies",
                columns: new[] { "TenantId", "DicomPatientId", "StudyDate", "StudyTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Studies_TenantId_ModalitiesInStudy",
                table: "Studies",
                columns: new[] { "TenantId", "ModalitiesInStudy" });

            migrationBuilder.CreateIndex(
                name: "IX_Studies_TenantId_PatientNameSearch_StudyDate_StudyTime_Id",
                table: "Studies",
                columns: new[] { "TenantId", "PatientNameSearch", "StudyDate", "StudyTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Studies_TenantId_StudyDate_StudyTime_Id",
                table: "Studies",
                columns: new[] { "TenantId", "StudyDate", "StudyTime", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Studies_TenantId_AccessionNumber_StudyDate_StudyTime_Id",
                table: "Studies");

            migrationBuilder.DropIndex(
                name: "IX_Studies_TenantId_DicomPatientId_StudyDate_StudyTime_Id",
                table: "Studies");

            migrationBuilder.DropIndex(
                name: "IX_Studies_TenantId_ModalitiesInStudy",
                table: "Studies");

            migrationBuilder.DropIndex(
                name: "IX_Studies_TenantId_PatientNameSearch_StudyDate_StudyTime_Id",
                table: "Studies");

            migrationBuilder.DropIndex(
                name: "IX_Studies_TenantId_StudyDate_StudyTime_Id",
                table: "Studies");

            migrationBuilder.CreateIndex(
                name: "IX_Studies_TenantId_AccessionNumber",
                table: "Studies",
                columns: new[] { "TenantId", "AccessionNumber" });

            migrationBuilder.CreateIndex(
                name: "IX_Studies_TenantId_DicomPatientId",
                table: "Studies",
                columns: new[] { "TenantId", "DicomPatientId" });

            migrationBuilder.CreateIndex(
                name: "IX_Studies_TenantId_PatientNameSearch",
                table: "Studies",
                columns: new[] { "TenantId", "PatientNameSearch" });

            migrationBuilder.CreateIndex(
                name: "IX_Studies_TenantId_StudyDate",
                table: "Studies",
                columns: new[] { "TenantId", "StudyDate" });
        }
    }
}

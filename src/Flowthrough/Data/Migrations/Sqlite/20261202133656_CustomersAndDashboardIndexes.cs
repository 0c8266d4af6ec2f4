using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowthrough.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CustomersAndDashboardIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_SpEnterpriseId_Status",
                table: "Subscribers",
                columns: new[] { "PartnerId", "SpEnterpriseId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_Status_LastStatusChange",
                table: "Subscribers",
                columns: new[] { "PartnerId", "TemplateId", "Status", "LastStatusChange" });

            migrationBuilder.CreateIndex(
                name: "IX_Organizations_PartnerId_Name_SpEnterpriseId",
                table: "Organizations",
                columns: new[] { "PartnerId", "Name", "SpEnterpriseId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Subscribers_PartnerId_SpEnterpriseId_Status",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_Status_LastStatusChange",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Organizations_PartnerId_Name_SpEnterpriseId",
                table: "Organizations");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowthrough.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UserStatusIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_LastStatusChange_Seq",
                table: "Subscribers",
                columns: new[] { "PartnerId", "TemplateId", "LastStatusChange", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_UserId",
                table: "Subscribers",
                columns: new[] { "PartnerId", "TemplateId", "UserId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_LastStatusChange_Seq",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_UserId",
                table: "Subscribers");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowthrough.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UserStatusSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_FirstName",
                table: "Subscribers",
                columns: new[] { "PartnerId", "TemplateId", "FirstName" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_LastName",
                table: "Subscribers",
                columns: new[] { "PartnerId", "TemplateId", "LastName" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_NormalizedEmail",
                table: "Subscribers",
                columns: new[] { "PartnerId", "TemplateId", "NormalizedEmail" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_FirstName",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_LastName",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_NormalizedEmail",
                table: "Subscribers");
        }
    }
}

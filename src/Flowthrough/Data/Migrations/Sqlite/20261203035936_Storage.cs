using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowthrough.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Storage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
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

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_Seq",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_UserId",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_PartnerId_UserId",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_UserId",
                table: "Subscribers");

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_TemplateId_FirstName_LastStatusChange_Seq",
                table: "Subscribers",
                columns: new[] { "TemplateId", "FirstName", "LastStatusChange", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_TemplateId_LastName_LastStatusChange_Seq",
                table: "Subscribers",
                columns: new[] { "TemplateId", "LastName", "LastStatusChange", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_TemplateId_NormalizedEmail_LastStatusChange_Seq",
                table: "Subscribers",
                columns: new[] { "TemplateId", "NormalizedEmail", "LastStatusChange", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_TemplateId_Seq",
                table: "Subscribers",
                columns: new[] { "TemplateId", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_TemplateId_UserId_LastStatusChange_Seq",
                table: "Subscribers",
                columns: new[] { "TemplateId", "UserId", "LastStatusChange", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_UserId_PartnerId",
                table: "Subscribers",
                columns: new[] { "UserId", "PartnerId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Subscribers_TemplateId_FirstName_LastStatusChange_Seq",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_TemplateId_LastName_LastStatusChange_Seq",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_TemplateId_NormalizedEmail_LastStatusChange_Seq",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_TemplateId_Seq",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_TemplateId_UserId_LastStatusChange_Seq",
                table: "Subscribers");

            migrationBuilder.DropIndex(
                name: "IX_Subscribers_UserId_PartnerId",
                table: "Subscribers");

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

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_Seq",
                table: "Subscribers",
                columns: new[] { "PartnerId", "TemplateId", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_UserId",
                table: "Subscribers",
                columns: new[] { "PartnerId", "TemplateId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_UserId",
                table: "Subscribers",
                columns: new[] { "PartnerId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_UserId",
                table: "Subscribers",
                column: "UserId");
        }
    }
}

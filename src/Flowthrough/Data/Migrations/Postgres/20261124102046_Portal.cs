using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Flowthrough.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Portal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_EmailVerifications_SubscriberId",
                table: "EmailVerifications");

            migrationBuilder.AddColumn<string>(
                name: "PasswordResetUrl",
                table: "Templates",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EmailVerifications_Email_Created",
                table: "EmailVerifications",
                columns: new[] { "Email", "Created" });

            migrationBuilder.CreateIndex(
                name: "IX_EmailVerifications_SubscriberId_Created",
                table: "EmailVerifications",
                columns: new[] { "SubscriberId", "Created" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropIndex(
                name: "IX_EmailVerifications_Email_Created",
                table: "EmailVerifications");

            migrationBuilder.DropIndex(
                name: "IX_EmailVerifications_SubscriberId_Created",
                table: "EmailVerifications");

            migrationBuilder.DropColumn(
                name: "PasswordResetUrl",
                table: "Templates");

            migrationBuilder.CreateIndex(
                name: "IX_EmailVerifications_SubscriberId",
                table: "EmailVerifications",
                column: "SubscriberId");
        }
    }
}

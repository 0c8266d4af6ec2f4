using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowthrough.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
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

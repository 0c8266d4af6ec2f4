using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowthrough.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ErrorReferenceAndUserIdIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ErrorReference",
                table: "Subscribers",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_UserId",
                table: "Subscribers",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Subscribers_UserId",
                table: "Subscribers");

            migrationBuilder.DropColumn(
                name: "ErrorReference",
                table: "Subscribers");
        }
    }
}

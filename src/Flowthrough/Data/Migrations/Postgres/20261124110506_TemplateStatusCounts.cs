using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowthrough.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TemplateStatusCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TemplateStatusCounts",
                columns: table => new
                {
                    TemplateId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TemplateStatusCounts", x => new { x.TemplateId, x.Status });
                });

            migrationBuilder.Sql("""
                INSERT INTO "TemplateStatusCounts" ("TemplateId", "Status", "Count")
                SELECT "TemplateId", "Status", COUNT(*) FROM "Subscribers" GROUP BY "TemplateId", "Status"
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TemplateStatusCounts");
        }
    }
}

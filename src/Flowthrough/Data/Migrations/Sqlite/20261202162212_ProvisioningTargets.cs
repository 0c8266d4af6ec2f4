using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowthrough.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProvisioningTargets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "TargetId",
                table: "Templates",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TargetUserId",
                table: "Subscribers",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Active",
                table: "People",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "ExternalId",
                table: "People",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ProvisioningTargets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    BaseUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Authentication = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ProtectedSecret = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    TokenUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Mapping = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    PackageMode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PackageAttribute = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    OrganizationMode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    RemovalMode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxConcurrency = table.Column<int>(type: "INTEGER", nullable: false),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProvisioningTargets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProvisioningTargets_Partners_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "Partners",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TargetRemovals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TargetId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SubscriberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SpEnterpriseId = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    OrganizationName = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    TargetUserId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TargetRemovals", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Templates_TargetId",
                table: "Templates",
                column: "TargetId");

            migrationBuilder.CreateIndex(
                name: "IX_People_ExternalId",
                table: "People",
                column: "ExternalId");

            migrationBuilder.CreateIndex(
                name: "IX_ProvisioningTargets_PartnerId_Name",
                table: "ProvisioningTargets",
                columns: new[] { "PartnerId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TargetRemovals_NextAttemptAt",
                table: "TargetRemovals",
                column: "NextAttemptAt");

            migrationBuilder.CreateIndex(
                name: "IX_TargetRemovals_PartnerId_TargetId",
                table: "TargetRemovals",
                columns: new[] { "PartnerId", "TargetId" });

            migrationBuilder.AddForeignKey(
                name: "FK_Templates_ProvisioningTargets_TargetId",
                table: "Templates",
                column: "TargetId",
                principalTable: "ProvisioningTargets",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            // Users the engine made before targets existed: their subscriber id becomes the look-up key, and the
            // person id the subscriber's user id in the (built-in) target.
            migrationBuilder.Sql("""
                UPDATE "People" SET "ExternalId" = (SELECT lower(CAST(s."Id" AS TEXT)) FROM "Subscribers" s WHERE s."PersonId" = "People"."Id" LIMIT 1)
                WHERE "ExternalId" IS NULL
                """);
            migrationBuilder.Sql("""
                UPDATE "Subscribers" SET "TargetUserId" = lower(CAST("PersonId" AS TEXT)) WHERE "PersonId" IS NOT NULL
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Templates_ProvisioningTargets_TargetId",
                table: "Templates");

            migrationBuilder.DropTable(
                name: "ProvisioningTargets");

            migrationBuilder.DropTable(
                name: "TargetRemovals");

            migrationBuilder.DropIndex(
                name: "IX_Templates_TargetId",
                table: "Templates");

            migrationBuilder.DropIndex(
                name: "IX_People_ExternalId",
                table: "People");

            migrationBuilder.DropColumn(
                name: "TargetId",
                table: "Templates");

            migrationBuilder.DropColumn(
                name: "TargetUserId",
                table: "Subscribers");

            migrationBuilder.DropColumn(
                name: "Active",
                table: "People");

            migrationBuilder.DropColumn(
                name: "ExternalId",
                table: "People");
        }
    }
}

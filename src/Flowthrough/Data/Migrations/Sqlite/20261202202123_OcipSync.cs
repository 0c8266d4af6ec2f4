using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowthrough.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OcipSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "NextSyncAt",
                table: "Clusters",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OcipCertificateSha256",
                table: "Clusters",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OcipHost",
                table: "Clusters",
                type: "TEXT",
                maxLength: 253,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OcipPasswordProtected",
                table: "Clusters",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OcipPort",
                table: "Clusters",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OcipTransport",
                table: "Clusters",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OcipUserId",
                table: "Clusters",
                type: "TEXT",
                maxLength: 161,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SyncIntervalMinutes",
                table: "Clusters",
                type: "INTEGER",
                nullable: false,
                defaultValue: 60);

            migrationBuilder.CreateTable(
                name: "ClusterMappings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClusterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ServiceProviderId = table.Column<string>(type: "TEXT", maxLength: 150, nullable: false),
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 150, nullable: true),
                    TemplateId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClusterMappings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ClusterMappings_Clusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ClusterMappings_Templates_TemplateId",
                        column: x => x.TemplateId,
                        principalTable: "Templates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SyncMisses",
                columns: table => new
                {
                    ClusterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 161, nullable: false),
                    Misses = table.Column<int>(type: "INTEGER", nullable: false),
                    LastRunId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncMisses", x => new { x.ClusterId, x.UserId });
                    table.ForeignKey(
                        name: "FK_SyncMisses_Clusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SyncRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClusterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Started = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Finished = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Groups = table.Column<int>(type: "INTEGER", nullable: false),
                    GroupsFailed = table.Column<int>(type: "INTEGER", nullable: false),
                    Seen = table.Column<int>(type: "INTEGER", nullable: false),
                    Entitled = table.Column<int>(type: "INTEGER", nullable: false),
                    Created = table.Column<int>(type: "INTEGER", nullable: false),
                    Updated = table.Column<int>(type: "INTEGER", nullable: false),
                    Removed = table.Column<int>(type: "INTEGER", nullable: false),
                    Failed = table.Column<int>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncRuns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SyncRuns_Clusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ClusterMappings_ClusterId_ServiceProviderId_GroupId",
                table: "ClusterMappings",
                columns: new[] { "ClusterId", "ServiceProviderId", "GroupId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ClusterMappings_TemplateId",
                table: "ClusterMappings",
                column: "TemplateId");

            migrationBuilder.CreateIndex(
                name: "IX_SyncRuns_ClusterId_Started",
                table: "SyncRuns",
                columns: new[] { "ClusterId", "Started" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClusterMappings");

            migrationBuilder.DropTable(
                name: "SyncMisses");

            migrationBuilder.DropTable(
                name: "SyncRuns");

            migrationBuilder.DropColumn(
                name: "NextSyncAt",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "OcipCertificateSha256",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "OcipHost",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "OcipPasswordProtected",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "OcipPort",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "OcipTransport",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "OcipUserId",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "SyncIntervalMinutes",
                table: "Clusters");
        }
    }
}

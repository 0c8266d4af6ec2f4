using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Flowthrough.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AdminAuditEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AdminId = table.Column<Guid>(type: "TEXT", nullable: true),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Data = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AdminAuditEvents", x => x.Id);
                });

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

            migrationBuilder.CreateTable(
                name: "EmailVerifications",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubscriberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    CodeHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LinkTokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    UsedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailVerifications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IdempotencyRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: false),
                    ResponseBody = table.Column<string>(type: "TEXT", nullable: false),
                    Location = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotencyRecords", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LoginFailure",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    WindowStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoginFailure", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "Organizations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TemplateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SpEnterpriseId = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    FirstUserSubscriberId = table.Column<Guid>(type: "TEXT", nullable: true),
                    FirstUserProvisioned = table.Column<bool>(type: "INTEGER", nullable: false),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Organizations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Outbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SubscriberId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    To = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Html = table.Column<string>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DedupeKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Partners",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Partners", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "People",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    NormalizedEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    FirstName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LastName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Package = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    IsOrganizationAdmin = table.Column<bool>(type: "INTEGER", nullable: false),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_People", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SubscriberEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SubscriberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FromStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    ToStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Data = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubscriberEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Subscribers",
                columns: table => new
                {
                    Seq = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TemplateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProvisioningId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 161, nullable: false),
                    SpEnterpriseId = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    FirstName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LastName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    EmailTrusted = table.Column<bool>(type: "INTEGER", nullable: false),
                    PrimaryPhoneNumber = table.Column<string>(type: "TEXT", maxLength: 23, nullable: true),
                    MobilePhoneNumber = table.Column<string>(type: "TEXT", maxLength: 23, nullable: true),
                    Extension = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    Package = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    Timezone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ErrorCode = table.Column<int>(type: "INTEGER", nullable: true),
                    ErrorDescription = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastStatusChange = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SelfActivated = table.Column<bool>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PersonId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OrganizationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    BlockedReason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    MigrationConsentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Subscribers", x => x.Seq);
                });

            migrationBuilder.CreateTable(
                name: "TemplateStatusCounts",
                columns: table => new
                {
                    TemplateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TemplateStatusCounts", x => new { x.TemplateId, x.Status });
                });

            migrationBuilder.CreateTable(
                name: "ApiTokens",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Scopes = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiTokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApiTokens_Partners_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "Partners",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Clusters",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    XsiActionsUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    AuthServiceUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    DirectAuth = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Clusters", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Clusters_Partners_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "Partners",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PartnerAdmins",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerAdmins", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PartnerAdmins_Partners_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "Partners",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Templates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PartnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ClusterId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProvisioningId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActivationSlug = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FlowThroughEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProvisioningAccountName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ProvisioningPasswordHash = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AutoCreateOrganizations = table.Column<bool>(type: "INTEGER", nullable: false),
                    ServiceProviderEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    EnterpriseMode = table.Column<bool>(type: "INTEGER", nullable: false),
                    DefaultPackage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DisableFreeCalling = table.Column<bool>(type: "INTEGER", nullable: false),
                    MeetingJoinConfiguration = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    EmailTrust = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ProvisionAdminFirst = table.Column<bool>(type: "INTEGER", nullable: false),
                    AllowSelfActivation = table.Column<bool>(type: "INTEGER", nullable: false),
                    DefaultAuthenticationMode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PrefillUserEmail = table.Column<bool>(type: "INTEGER", nullable: false),
                    PhoneDirectorySync = table.Column<bool>(type: "INTEGER", nullable: false),
                    PartnerAdminName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AllowAdminInviteEmails = table.Column<bool>(type: "INTEGER", nullable: false),
                    PasswordResetUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    DefaultLanguage = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Created = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Templates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Templates_Clusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Templates_Partners_PartnerId",
                        column: x => x.PartnerId,
                        principalTable: "Partners",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AdminAuditEvents_PartnerId_At",
                table: "AdminAuditEvents",
                columns: new[] { "PartnerId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ApiTokens_PartnerId",
                table: "ApiTokens",
                column: "PartnerId");

            migrationBuilder.CreateIndex(
                name: "IX_ApiTokens_TokenHash",
                table: "ApiTokens",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Clusters_PartnerId",
                table: "Clusters",
                column: "PartnerId");

            migrationBuilder.CreateIndex(
                name: "IX_EmailVerifications_Email_Created",
                table: "EmailVerifications",
                columns: new[] { "Email", "Created" });

            migrationBuilder.CreateIndex(
                name: "IX_EmailVerifications_LinkTokenHash",
                table: "EmailVerifications",
                column: "LinkTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EmailVerifications_SubscriberId_Created",
                table: "EmailVerifications",
                columns: new[] { "SubscriberId", "Created" });

            migrationBuilder.CreateIndex(
                name: "IX_IdempotencyRecords_PartnerId_Key",
                table: "IdempotencyRecords",
                columns: new[] { "PartnerId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Organizations_PartnerId_SpEnterpriseId",
                table: "Organizations",
                columns: new[] { "PartnerId", "SpEnterpriseId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_DedupeKey",
                table: "Outbox",
                column: "DedupeKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_Due",
                table: "Outbox",
                column: "NextAttemptAt",
                filter: "\"Status\" IN ('Queued', 'Sending') AND \"NextAttemptAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_SubscriberId",
                table: "Outbox",
                column: "SubscriberId");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerAdmins_Email",
                table: "PartnerAdmins",
                column: "Email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PartnerAdmins_PartnerId",
                table: "PartnerAdmins",
                column: "PartnerId");

            migrationBuilder.CreateIndex(
                name: "IX_People_NormalizedEmail",
                table: "People",
                column: "NormalizedEmail",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_People_OrganizationId",
                table: "People",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_SubscriberEvents_SubscriberId_Id",
                table: "SubscriberEvents",
                columns: new[] { "SubscriberId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_Due",
                table: "Subscribers",
                column: "NextAttemptAt",
                filter: "\"Status\" IN ('Provisioning', 'Updating') AND \"NextAttemptAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_Id",
                table: "Subscribers",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_OrganizationId_BlockedReason",
                table: "Subscribers",
                columns: new[] { "OrganizationId", "BlockedReason" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_LastStatusChange",
                table: "Subscribers",
                columns: new[] { "PartnerId", "LastStatusChange" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_NormalizedEmail",
                table: "Subscribers",
                columns: new[] { "PartnerId", "NormalizedEmail" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_Seq",
                table: "Subscribers",
                columns: new[] { "PartnerId", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_SpEnterpriseId_Seq",
                table: "Subscribers",
                columns: new[] { "PartnerId", "SpEnterpriseId", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_Status_Seq",
                table: "Subscribers",
                columns: new[] { "PartnerId", "Status", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_FirstName",
                table: "Subscribers",
                columns: new[] { "PartnerId", "TemplateId", "FirstName" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_LastName",
                table: "Subscribers",
                columns: new[] { "PartnerId", "TemplateId", "LastName" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_PartnerId_TemplateId_LastStatusChange_Seq",
                table: "Subscribers",
                columns: new[] { "PartnerId", "TemplateId", "LastStatusChange", "Seq" });

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
                name: "IX_Subscribers_PersonId",
                table: "Subscribers",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_Templates_ActivationSlug",
                table: "Templates",
                column: "ActivationSlug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Templates_ClusterId",
                table: "Templates",
                column: "ClusterId");

            migrationBuilder.CreateIndex(
                name: "IX_Templates_PartnerId",
                table: "Templates",
                column: "PartnerId");

            migrationBuilder.CreateIndex(
                name: "IX_Templates_ProvisioningId",
                table: "Templates",
                column: "ProvisioningId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AdminAuditEvents");

            migrationBuilder.DropTable(
                name: "ApiTokens");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "EmailVerifications");

            migrationBuilder.DropTable(
                name: "IdempotencyRecords");

            migrationBuilder.DropTable(
                name: "LoginFailure");

            migrationBuilder.DropTable(
                name: "Organizations");

            migrationBuilder.DropTable(
                name: "Outbox");

            migrationBuilder.DropTable(
                name: "PartnerAdmins");

            migrationBuilder.DropTable(
                name: "People");

            migrationBuilder.DropTable(
                name: "SubscriberEvents");

            migrationBuilder.DropTable(
                name: "Subscribers");

            migrationBuilder.DropTable(
                name: "Templates");

            migrationBuilder.DropTable(
                name: "TemplateStatusCounts");

            migrationBuilder.DropTable(
                name: "Clusters");

            migrationBuilder.DropTable(
                name: "Partners");
        }
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flowthrough.Tests.Browser;

namespace Flowthrough.Tests.Provisioning.Targets;

/// <summary>
/// The real SCIM 2.0 server of tools/ScimServer (scimmy on Node) as a child process on a free port: what SCIM
/// targets are tested against. Control helpers reset it, switch faults on, read its request log and inject drift
/// straight into its store. Disposing kills the process.
/// </summary>
public sealed class ScimTestServer : IAsyncDisposable
{
    public const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUserSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string PatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";

    private const string DefaultClientId = "flowthrough";
    private const string ListeningPrefix = "SCIM server: ";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Process process;
    private readonly StringBuilder errorOutput;

    private ScimTestServer(Process process, StringBuilder errorOutput, Uri baseUrl, string token, string clientSecret)
    {
        this.process = process;
        this.errorOutput = errorOutput;
        BaseUrl = baseUrl;
        Token = token;
        ClientSecret = clientSecret;
        var root = new Uri(baseUrl, "/");
        TokenUrl = new Uri(root, "oauth/token");
        Control = new HttpClient { BaseAddress = new Uri(root, "_control/") };
        Scim = new HttpClient { BaseAddress = baseUrl };
        Scim.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The SCIM base URL, ending in /scim/v2/ so relative paths ("Users") resolve under it.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The fixed bearer token the server accepts (besides OAuth access tokens it issued).</summary>
    public string Token { get; }

    public string ClientId { get; } = DefaultClientId;

    public string ClientSecret { get; }

    /// <summary>The OAuth 2.0 client-credentials token endpoint.</summary>
    public Uri TokenUrl { get; }

    /// <summary>A client already carrying <see cref="Token"/>, based at <see cref="BaseUrl"/>.</summary>
    public HttpClient Scim { get; }

    /// <summary>A client for the control API (/_control/), which needs no token.</summary>
    public HttpClient Control { get; }

    /// <summary>Server output on stderr so far, for failure messages.</summary>
    public string ErrorOutput => Snapshot(errorOutput);

    /// <summary>Starts the server; fails with the way to install it if its npm packages are missing.</summary>
    public static async Task<ScimTestServer> StartAsync(int tokenLifetimeSeconds = 3600, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(Chromium.RepositoryRoot(), "tools", "ScimServer");
        if (!File.Exists(Path.Combine(directory, "node_modules", "scimmy-routers", "package.json")))
        {
            throw new InvalidOperationException(
                $"The SCIM test server's npm packages are not installed in {directory}/node_modules; run ./test.sh or tools/ScimServer/install.sh.");
        }

        var token = "test-token-" + Guid.NewGuid().ToString("N");
        var clientSecret = "test-secret-" + Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(directory, "server.js"), "--port", "0", "--host", "127.0.0.1", "--token", token,
                     "--client-id", DefaultClientId, "--client-secret", clientSecret,
                     "--token-lifetime", tokenLifetimeSeconds.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new StringBuilder();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith(ListeningPrefix, StringComparison.Ordinal) == true)
            {
                listening.TrySetResult(new Uri(e.Data[ListeningPrefix.Length..].TrimEnd('/') + "/"));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException(
            $"The SCIM test server exited before listening:{Environment.NewLine}{Snapshot(errors)}"));

        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException("Cannot start node (is Node.js on PATH? ./test.sh installs it).", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var baseUrl = await listening.Task.WaitAsync(StartDeadline, cancellationToken);
            return new ScimTestServer(process, errors, baseUrl, token, clientSecret);
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Empties the store, switches every fault off and clears the request log and token count.</summary>
    public async Task ResetAsync()
    {
        using var response = await Control.PostAsync(new Uri("reset", UriKind.Relative), null, Cancellation);
        await EnsureAsync(response);
    }

    /// <summary>Replaces the fault switches (omitted ones are off).</summary>
    public async Task SetFaultsAsync(ScimFaults faults)
    {
        using var response = await Control.PutAsJsonAsync(new Uri("faults", UriKind.Relative), faults, Json, Cancellation);
        await EnsureAsync(response);
    }

    /// <summary>The fault switches as they are now (counters go down as faults fire).</summary>
    public Task<ScimFaults> FaultsAsync() => ControlGetAsync<ScimFaults>("faults");

    /// <summary>Every /scim/v2 request since the start or the last reset, oldest first.</summary>
    public async Task<IReadOnlyList<ScimRequest>> RequestsAsync() => await ControlGetAsync<List<ScimRequest>>("requests");

    public Task<ScimStats> StatsAsync() => ControlGetAsync<ScimStats>("stats");

    /// <summary>All users, paging through the list with startIndex/count.</summary>
    public Task<IReadOnlyList<JsonElement>> UsersAsync(int pageSize = 100) => ListAsync("Users", null, pageSize);

    /// <summary>All groups, paging through the list with startIndex/count.</summary>
    public Task<IReadOnlyList<JsonElement>> GroupsAsync(int pageSize = 100) => ListAsync("Groups", null, pageSize);

    /// <summary>The users a SCIM filter selects, e.g. <c>externalId eq "42"</c>.</summary>
    public Task<IReadOnlyList<JsonElement>> FindUsersAsync(string filter) => ListAsync("Users", filter, 100);

    /// <summary>Creates a user as a third party would (the core schema is added when missing); returns it as stored.</summary>
    public Task<JsonElement> CreateUserAsync(JsonObject user)
    {
        ArgumentNullException.ThrowIfNull(user);
        user["schemas"] ??= new JsonArray(UserSchema);
        return SendAsync(HttpMethod.Post, "Users", user);
    }

    /// <summary>
    /// Changes a user behind Flowthrough's back: <paramref name="change"/> is either a whole PatchOp message
    /// (with "Operations") or attributes to replace, e.g. <c>{"active": false}</c>.
    /// </summary>
    public Task<JsonElement> PatchUserAsync(string id, JsonObject change) => PatchAsync("Users/", id, change);

    /// <summary>
    /// Changes a group behind Flowthrough's back, e.g. drops a member:
    /// <c>{"Operations": [{"op": "remove", "path": "members[value eq \"ID\"]"}]}</c>. Members-only PATCHes answer
    /// 204, so the result is then <see langword="null"/>.
    /// </summary>
    public Task<JsonElement?> PatchGroupAsync(string id, JsonObject change) => PatchOrNothingAsync("Groups/", id, change);

    /// <summary>The groups a SCIM filter selects, e.g. <c>displayName eq "Acme Standard"</c>.</summary>
    public Task<IReadOnlyList<JsonElement>> FindGroupsAsync(string filter) => ListAsync("Groups", filter, 100);

    public async Task DeleteUserAsync(string id)
    {
        using var response = await Scim.DeleteAsync(new Uri("Users/" + Uri.EscapeDataString(id), UriKind.Relative), Cancellation);
        await EnsureAsync(response);
    }

    public async ValueTask DisposeAsync()
    {
        Scim.Dispose();
        Control.Dispose();
        Kill(process);
        await process.WaitForExitAsync(CancellationToken.None);
        process.Dispose();
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<IReadOnlyList<JsonElement>> ListAsync(string resource, string? filter, int pageSize)
    {
        var all = new List<JsonElement>();
        while (true)
        {
            var query = $"{resource}?startIndex={all.Count + 1}&count={pageSize}"
                        + (filter is null ? "" : "&filter=" + Uri.EscapeDataString(filter));
            using var response = await Scim.GetAsync(new Uri(query, UriKind.Relative), Cancellation);
            await EnsureAsync(response);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            var resources = page.GetProperty("Resources").EnumerateArray().Select(r => r.Clone()).ToList();
            all.AddRange(resources);
            if (resources.Count == 0 || all.Count >= page.GetProperty("totalResults").GetInt32())
            {
                return all;
            }
        }
    }

    private async Task<JsonElement> PatchAsync(string resource, string id, JsonObject change) =>
        await PatchOrNothingAsync(resource, id, change)
        ?? throw new InvalidOperationException($"PATCH {resource}{id} answered 204: nothing changed");

    private Task<JsonElement?> PatchOrNothingAsync(string resource, string id, JsonObject change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var message = change.ContainsKey("Operations")
            ? change
            : new JsonObject { ["Operations"] = new JsonArray(new JsonObject { ["op"] = "replace", ["value"] = change }) };
        message["schemas"] ??= new JsonArray(PatchOpSchema);
        return SendOrNothingAsync(HttpMethod.Patch, resource + Uri.EscapeDataString(id), message);
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, JsonObject body) =>
        await SendOrNothingAsync(method, path, body)
        ?? throw new InvalidOperationException($"{method} {path} answered 204 where a resource was expected");

    private async Task<JsonElement?> SendOrNothingAsync(HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/scim+json"),
        };
        using var response = await Scim.SendAsync(request, Cancellation);
        await EnsureAsync(response);
        return response.StatusCode == System.Net.HttpStatusCode.NoContent
            ? null
            : await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }

    private async Task<T> ControlGetAsync<T>(string path)
    {
        using var response = await Control.GetAsync(new Uri(path, UriKind.Relative), Cancellation);
        await EnsureAsync(response);
        return await response.Content.ReadFromJsonAsync<T>(Json, Cancellation)
               ?? throw new InvalidOperationException($"/_control/{path} answered null");
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(Cancellation);
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}",
                null, response.StatusCode);
        }
    }

    private static string Snapshot(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}

/// <summary>The fault switches of PUT /_control/faults. Counts are "the next n /scim/v2 requests".</summary>
public sealed record ScimFaults
{
    public int LatencyMs { get; init; }

    public int Fail503 { get; init; }

    /// <summary>Retry-After on the 503 answers; null sends none.</summary>
    public int? Fail503RetryAfterSeconds { get; init; }

    public int Fail429 { get; init; }

    /// <summary>Retry-After on the 429 answers; null sends none.</summary>
    public int? Fail429RetryAfterSeconds { get; init; } = 1;

    /// <summary>
    /// Requests whose connection is closed without an answer. .NET's HttpClient resends such a request by itself
    /// (up to 3 times), so each failed call uses up to 4 drops; <see cref="Truncate"/> fails a call at once.
    /// </summary>
    public int Drop { get; init; }

    /// <summary>Requests answered with the start of a response and then a closed connection (never resent by HttpClient).</summary>
    public int Truncate { get; init; }

    /// <summary>userNames whose create answers 409 uniqueness, as if a user outside Flowthrough had them (case-insensitive).</summary>
    public IReadOnlyList<string> ConflictUserNames { get; init; } = [];

    /// <summary>userName to detail: create or replace answers 400 invalidValue with that detail.</summary>
    public IReadOnlyDictionary<string, string> RejectUserNames { get; init; } = new Dictionary<string, string>();
}

/// <summary>One /scim/v2 request as the server logged it; Status 0 when the connection was dropped.</summary>
public sealed record ScimRequest(double At, string Method, string Path, int Status)
{
    /// <summary>When the request arrived (before any latency fault), to the sub-millisecond.</summary>
    public DateTimeOffset Time => DateTimeOffset.UnixEpoch.AddMilliseconds(At);
}

public sealed record ScimStats(int Users, int Groups, int TokensIssued, int Requests);

/// <summary>One SCIM server per test class; each test starts with <see cref="FreshAsync"/>.</summary>
public sealed class ScimServerFixture : IAsyncLifetime
{
    private ScimTestServer? server;

    public ScimTestServer Server => server ?? throw new InvalidOperationException("The SCIM server has not started.");

    public async ValueTask InitializeAsync() => server = await ScimTestServer.StartAsync();

    /// <summary>The class's server, emptied and with every fault off.</summary>
    public async Task<ScimTestServer> FreshAsync()
    {
        await Server.ResetAsync();
        return Server;
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using BroadWorksSimulator.Ocip;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace BroadWorksSimulator;

/// <summary>The operator's page: what a provider does on an AS, the provisioning settings it holds, faults and the call log.</summary>
internal static class Page
{
    // Diacritics stay readable in the source; markup characters are still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>A generated test set has thousands of subscribers; the page shows the first ones and says so.</summary>
    public const int MaxSubscriberRows = 300;

    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
        table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
        th{background:#f3f3f3}.on{color:#070;font-weight:bold}.off{color:#888}.message{background:#eef6ff;border:1px solid #9bd;padding:.5rem}
        form.inline{display:inline}pre{white-space:pre-wrap;max-width:60rem;margin:.25rem 0}code{font-size:.9em}
        .fail{color:#a00}fieldset{margin:.5rem 0}label{margin-right:.75rem}
        """;

    public static void MapPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", Render).ExcludeFromDescription();
        // Every form here changes state; the group asks for the token even where the handler reads no form field.
        var ui = app.MapGroup("/ui").WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        ui.MapPost("/subscribers", async (IFormCollection form, SubscriberActions actions) =>
        {
            var result = await actions.AddAsync(new NewSubscriber(form["userId"], form["password"], form["firstName"],
                form["lastName"], form["groupId"], form["number"], form["extension"], form["mobile"], form["email"],
                form["language"], form["timezone"], form["impActive"] == "on"));
            return Back(result.Message);
        });
        ui.MapPost("/subscribers/imp", async (IFormCollection form, SubscriberActions actions) =>
            Back((await actions.SetImpAsync(form["userId"].ToString(), form["active"] == "true")).Message));
        ui.MapPost("/subscribers/edit", async (IFormCollection form, SubscriberActions actions) =>
            Back((await actions.EditAsync(form["userId"].ToString(), new SubscriberChanges(form["password"], form["firstName"],
                form["lastName"], form["number"], form["extension"], form["mobile"], form["email"], form["language"],
                form["timezone"]))).Message));
        ui.MapPost("/subscribers/delete", async (IFormCollection form, SubscriberActions actions) =>
            Back((await actions.DeleteAsync(form["userId"].ToString())).Message));
        ui.MapPost("/imp-all", async (IFormCollection form, SubscriberActions actions) =>
        {
            var groupId = form["groupId"].ToString();
            var result = await actions.SwitchOnAllAsync(groupId.Length == 0 ? null : groupId);
            var calls = string.Join(" ", result.Bridge.Select(o => o.Describe($"a batch ({o.Url})")));
            return Back($"Switched on {result.SwitchedOn}, {result.AlreadyOn} already on. {calls}");
        });
        ui.MapPost("/faults", (IFormCollection form, FaultSwitches faults, SubscriberStore store) =>
        {
            var change = new FaultsChange(Number(form["xsiLatencyMs"]), form["xsiFail503"] == "on",
                form["xsiDropConnection"] == "on", Number(form["bridgeLatencyMs"]), Number(form["bridgeFail503Next"]),
                Number(form["bridgeDropNext"]), form["ocipRejectLogin"] == "on", Number(form["ocipLatencyMs"]),
                form["ocipDropConnection"] == "on", form["ocipErrorGroup"].ToString(), Number(form["bridgeLoseAnswerNext"]));
            if (FaultSwitches.Validate(change, id => store.FindGroup(id) is not null) is { } error)
            {
                return Back(error);
            }

            faults.Apply(change);
            return Back("Faults saved.");
        });
        ui.MapPost("/calls/clear", (CallLog log) =>
        {
            log.Clear();
            return Back("Call log cleared.");
        });
    }

    private static IResult Back(string message) => Results.LocalRedirect($"/?message={Uri.EscapeDataString(message)}");

    private static int? Number(string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static IResult Render(HttpContext context, SubscriberStore store, FaultSwitches faults, CallLog log,
        IAntiforgery antiforgery, IOptions<SimulatorOptions> options, OcipEndpoints ocip)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var token = $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">";
        var settings = options.Value;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>BroadWorks simulator</title>
            <style>{Style}</style></head><body><h1>BroadWorks simulator</h1>
            <p>Xsi-Actions: <code>{E(context.Request.Scheme)}://{E(context.Request.Host.ToString())}{XsiActions.Root}</code>.
            Flow-through calls go to <code>{E(settings.AppUrl)}</code>.</p>
            <p>OCI-P: <code>{E(ocip.TcpAddress)}</code>{(ocip.TlsAddress is { } tls ? $", TLS <code>{E(tls)}</code> (certificate SHA-256 <code>{E(ocip.TlsFingerprint)}</code>)" : ", TLS off")},
            SOAP <code>{E(context.Request.Scheme)}://{E(context.Request.Host.ToString())}{OcipEndpoints.SoapPath}</code>;
            administrator <code>{E(settings.OcipUser)}</code> / <code>{E(settings.OcipPassword)}</code>.</p>
            """);
        if (context.Request.Query["message"].ToString() is { Length: > 0 } message)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"message\" role=\"status\">{E(message)}</p>");
        }

        AppendProviders(html, store, settings, token);
        AppendSubscribers(html, store, token);
        AppendFaults(html, faults.Current, store, token);
        AppendCalls(html, log.Snapshot(), token);
        html.Append("</body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static void AppendProviders(StringBuilder html, SubscriberStore store, SimulatorOptions settings, string token)
    {
        html.Append("""
            <h2>Service providers and groups</h2>
            <p>A real AS holds the provisioning URL, account and password system-wide in <code>AS_CLI/Interface/Messaging</code>,
            or per enterprise in its Integrated IM&amp;P settings. Here each group names its Flowthrough template.</p>
            <table><tr><th>Service provider</th><th>Group</th><th>Where an AS holds it</th><th>Provisioning URL</th>
            <th>Account / password</th><th>Subscribers (IM&amp;P on)</th><th></th></tr>
            """);
        foreach (var group in store.Groups)
        {
            var serviceProvider = store.ServiceProviderOf(group);
            var (members, impActive) = store.CountInGroup(group.Id);
            var where = serviceProvider.IsEnterprise
                ? "Enterprise Integrated IM&amp;P settings"
                : "AS_CLI/Interface/Messaging (system-wide)";
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{E(serviceProvider.Name)} (<code>{E(serviceProvider.Id)}</code>{(serviceProvider.IsEnterprise ? ", enterprise" : "")})</td>
                <td>{E(group.Name)} (<code>{E(group.Id)}</code>)</td><td>{where}</td>
                <td><code>{E(settings.ProvisioningUrl(group.ProvisioningId))}</code></td>
                <td><code>{E(settings.ProvisioningAccount)}</code> / <code>{E(settings.ProvisioningPassword)}</code></td>
                <td>{members} ({impActive})</td>
                <td><form class="inline" method="post" action="/ui/imp-all">{token}<input type="hidden" name="groupId" value="{E(group.Id)}">
                <button>Switch on for all</button></form></td></tr>
                """);
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            </table><form method="post" action="/ui/imp-all">{token}<button>Switch on for all (every group)</button></form>
            """);
    }

    private static void AppendSubscribers(StringBuilder html, SubscriberStore store, string token)
    {
        html.Append("""
            <h2>Subscribers</h2>
            """);
        var total = store.Count;
        if (total > MaxSubscriberRows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Showing the first {MaxSubscriberRows} of {total} subscribers; the JSON API lists them all.</p>");
        }

        html.Append("""
            <table><tr><th>User ID</th><th>Name</th><th>Group</th><th>Number / extension</th><th>Mobile</th>
            <th>Email</th><th>Password</th><th>Integrated IM&amp;P</th><th>Actions</th></tr>
            """);
        foreach (var s in store.First(MaxSubscriberRows))
        {
            var user = $"<input type=\"hidden\" name=\"userId\" value=\"{E(s.UserId)}\">";
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td><code>{E(s.UserId)}</code></td><td>{E(s.FirstName)} {E(s.LastName)}</td><td>{E(s.GroupId)}</td>
                <td>{E(s.Number)} / {E(s.Extension)}</td><td>{E(s.Mobile)}</td><td>{E(s.Email)}</td><td><code>{E(s.Password)}</code></td>
                <td class="{(s.ImpActive ? "on" : "off")}">{(s.ImpActive ? "on" : s.HasImpAssigned ? "off (assigned)" : "off")}</td><td>
                <form class="inline" method="post" action="/ui/subscribers/imp">{token}{user}
                <input type="hidden" name="active" value="{(s.ImpActive ? "false" : "true")}"><button>Switch IM&amp;P {(s.ImpActive ? "off" : "on")}</button></form>
                <form class="inline" method="post" action="/ui/subscribers/delete" onsubmit="return confirm('Delete this subscriber?')">{token}{user}<button>Delete</button></form>
                <details><summary>Edit</summary><form method="post" action="/ui/subscribers/edit">{token}{user}
                {Field("firstName", "First name", s.FirstName)}{Field("lastName", "Last name", s.LastName)}
                {Field("number", "Number", s.Number)}{Field("extension", "Extension", s.Extension)}{Field("mobile", "Mobile", s.Mobile)}
                {Field("email", "Email", s.Email)}{Field("password", "Password", s.Password)}<button>Save</button></form></details></td></tr>
                """);
        }

        var groups = string.Concat(store.Groups.Select(g => $"<option value=\"{E(g.Id)}\">{E(g.Name)} ({E(g.Id)})</option>"));
        html.Append(CultureInfo.InvariantCulture, $"""
            </table><h2>Add a subscriber</h2><form method="post" action="/ui/subscribers">{token}
            <label>Group <select name="groupId">{groups}</select></label>{Field("userId", "User ID", null)}{Field("password", "Password", null)}
            {Field("firstName", "First name", null)}{Field("lastName", "Last name", null)}{Field("number", "Number", null)}
            {Field("extension", "Extension", null)}{Field("mobile", "Mobile", null)}{Field("email", "Email", null)}
            {Field("language", "Language", null)}{Field("timezone", "Time zone", null)}
            <label><input type="checkbox" name="impActive"> Integrated IM&amp;P on</label> <button>Add</button></form>
            """);
    }

    private static void AppendFaults(StringBuilder html, Faults faults, SubscriberStore store, string token)
    {
        var groups = string.Concat(store.Groups.Select(g =>
            $"<option value=\"{E(g.Id)}\"{(g.Id == faults.OcipErrorGroup ? " selected" : "")}>{E(g.Id)}</option>"));
        html.Append(CultureInfo.InvariantCulture, $"""
            <h2>Faults</h2><form method="post" action="/ui/faults">{token}
            <fieldset><legend>Xsi-Actions (incoming)</legend>{NumberField("xsiLatencyMs", "Latency ms", faults.XsiLatencyMs)}
            {Checkbox("xsiFail503", "Answer 503", faults.XsiFail503)}{Checkbox("xsiDropConnection", "Drop the connection", faults.XsiDropConnection)}</fieldset>
            <fieldset><legend>Bridge (outgoing)</legend>{NumberField("bridgeLatencyMs", "Latency ms", faults.BridgeLatencyMs)}
            {NumberField("bridgeFail503Next", "Next N attempts get 503", faults.BridgeFail503Next)}
            {NumberField("bridgeDropNext", "Next N attempts dropped", faults.BridgeDropNext)}
            {NumberField("bridgeLoseAnswerNext", "Next N answers lost after the product acted", faults.BridgeLoseAnswerNext)}</fieldset>
            <fieldset><legend>OCI-P (incoming)</legend>{Checkbox("ocipRejectLogin", "Reject every login", faults.OcipRejectLogin)}
            {NumberField("ocipLatencyMs", "Latency ms", faults.OcipLatencyMs)}
            {Checkbox("ocipDropConnection", "Drop the connection", faults.OcipDropConnection)}
            <label>Group whose commands fail <select name="ocipErrorGroup"><option value="">(none)</option>{groups}</select></label></fieldset>
            <button>Save faults</button></form>
            """);
    }

    private static void AppendCalls(StringBuilder html, IReadOnlyList<CallRecord> calls, string token)
    {
        html.Append(CultureInfo.InvariantCulture, $"""
            <h2>Call log (newest first, last {CallLog.Capacity})</h2>
            <form method="post" action="/ui/calls/clear">{token}<button>Clear</button></form>
            <table><tr><th>#</th><th>Time (UTC)</th><th>Direction</th><th>Request</th><th>Answer</th><th>Attempt</th><th>ms</th></tr>
            """);
        foreach (var call in calls)
        {
            var answer = call.Status is { } status ? status.ToString(CultureInfo.InvariantCulture) : call.Error;
            var failed = call.Status is null or >= 400 ? " class=\"fail\"" : string.Empty;
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr><td>{call.Id}</td><td>{call.Time:HH:mm:ss.fff}</td><td>{E(call.Direction)}</td>
                <td><code>{E(call.Method)} {E(call.Url)}</code>{(call.Authorization is null ? "" : $"<br>Authorization: {E(call.Authorization)}")}
                {Body(call.RequestBody)}</td><td{failed}>{E(answer)}{Body(call.ResponseBody)}</td><td>{call.Attempt}</td><td>{call.DurationMs}</td></tr>
                """);
        }

        html.Append("</table>");
    }

    private static string Body(string? body) =>
        string.IsNullOrEmpty(body) ? string.Empty : $"<details><summary>body</summary><pre>{E(body)}</pre></details>";

    private static string Field(string name, string label, string? value) =>
        $"<label>{E(label)} <input name=\"{name}\" value=\"{E(value)}\"></label>";

    private static string NumberField(string name, string label, int value) =>
        $"<label>{E(label)} <input type=\"number\" min=\"0\" name=\"{name}\" value=\"{value}\"></label>";

    private static string Checkbox(string name, string label, bool on) =>
        $"<label><input type=\"checkbox\" name=\"{name}\"{(on ? " checked" : "")}> {E(label)}</label>";

    private static string E(string? value) => value is null ? string.Empty : Encoder.Encode(value);
}

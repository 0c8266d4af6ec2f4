namespace BroadWorksSimulator;

internal sealed record SubscriberView(
    string UserId,
    string Password,
    string FirstName,
    string LastName,
    string ServiceProviderId,
    string GroupId,
    string ProvisioningId,
    string? Number,
    string? Extension,
    string? Mobile,
    string? Email,
    string? Language,
    string? Timezone,
    bool ImpActive,
    bool ImpAssigned);

internal sealed record ImpRequest(bool? Active);

internal sealed record ImpAllRequest(string? GroupId);

/// <summary>The JSON API for scripts and tests. No authentication: the simulator listens on 127.0.0.1 by default.</summary>
internal static class SimulatorApi
{
    public static void MapSimulatorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").DisableAntiforgery();
        api.MapGet("/subscribers", (SubscriberStore store) => store.All().Select(s => View(s, store)));
        api.MapPost("/subscribers", async (NewSubscriber input, SubscriberActions actions, SubscriberStore store) =>
        {
            var result = await actions.AddAsync(input);
            return result.Status == ActionStatus.Done
                ? Results.Created($"/api/subscribers/{Uri.EscapeDataString(result.Subscriber!.UserId)}", Body(result, store))
                : Failure(result);
        });
        api.MapPut("/subscribers/{userId}", async (string userId, SubscriberChanges changes, SubscriberActions actions,
            SubscriberStore store) => Answer(await actions.EditAsync(userId, changes), store));
        api.MapDelete("/subscribers/{userId}", async (string userId, SubscriberActions actions, SubscriberStore store) =>
            Answer(await actions.DeleteAsync(userId), store));
        api.MapPost("/subscribers/{userId}/imp", async (string userId, ImpRequest request, SubscriberActions actions,
            SubscriberStore store) => request.Active is { } active
            ? Answer(await actions.SetImpAsync(userId, active), store)
            : Results.Problem("Send { \"active\": true } or { \"active\": false }.", statusCode: StatusCodes.Status400BadRequest));
        api.MapPost("/imp:all", async (ImpAllRequest? request, SubscriberActions actions, SubscriberStore store) =>
        {
            if (request?.GroupId is { } groupId && store.FindGroup(groupId) is null)
            {
                return Results.Problem($"No group {groupId}.", statusCode: StatusCodes.Status404NotFound);
            }

            var result = await actions.SwitchOnAllAsync(request?.GroupId);
            return Results.Ok(new { result.SwitchedOn, result.AlreadyOn, bridge = result.Bridge });
        });
        api.MapGet("/calls", (CallLog log) => log.Snapshot());
        api.MapDelete("/calls", (CallLog log) =>
        {
            log.Clear();
            return Results.NoContent();
        });
        api.MapGet("/faults", (FaultSwitches faults) => faults.Current);
        api.MapPut("/faults", (FaultsChange change, FaultSwitches faults, SubscriberStore store) =>
            FaultSwitches.Validate(change, id => store.FindGroup(id) is not null) is { } error
            ? Results.Problem(error, statusCode: StatusCodes.Status400BadRequest)
            : Results.Ok(faults.Apply(change)));
    }

    public static SubscriberView View(Subscriber subscriber, SubscriberStore store)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(store);
        var group = store.GroupOf(subscriber);
        return new SubscriberView(subscriber.UserId, subscriber.Password, subscriber.FirstName, subscriber.LastName,
            group.ServiceProviderId, group.Id, group.ProvisioningId, subscriber.Number, subscriber.Extension, subscriber.Mobile,
            subscriber.Email, subscriber.Language, subscriber.Timezone, subscriber.ImpActive,
            subscriber.HasImpAssigned);
    }

    private static IResult Answer(ActionResult result, SubscriberStore store) =>
        result.Status == ActionStatus.Done ? Results.Ok(Body(result, store)) : Failure(result);

    private static object Body(ActionResult result, SubscriberStore store) =>
        new { result.Message, subscriber = View(result.Subscriber!, store), bridge = result.Bridge };

    private static IResult Failure(ActionResult result) => Results.Problem(result.Message, statusCode: result.Status switch
    {
        ActionStatus.NotFound => StatusCodes.Status404NotFound,
        ActionStatus.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    });
}

namespace Flowthrough.Subscribers;

/// <summary>
/// How many of a template's subscribers are in each status, kept in step with every saved change so that pages
/// showing counts never have to count a million rows (DESIGN §7).
/// </summary>
public sealed class TemplateStatusCount
{
    public Guid TemplateId { get; set; }
    public SubscriberStatus Status { get; set; }
    public long Count { get; set; }
}

namespace BookingPortal.Tests.Fakes.Graph;

/// <summary>Whether the app's access policy lets it at a mailbox: Exchange answers 403 ErrorAccessDenied otherwise.</summary>
public enum MailboxAccess
{
    Allowed,
    Forbidden,
}

/// <summary>An event as the fake stores it; <see cref="Deleted"/> ones stay as tombstones for delta rounds.</summary>
public sealed record FakeGraphEvent(string Id, string Mailbox, string Subject, DateTimeOffset Start, DateTimeOffset End)
{
    public string OrganizerName { get; init; } = "";
    public string OrganizerAddress { get; init; } = "";
    public string ShowAs { get; init; } = "busy";
    public string? TransactionId { get; init; }
    public string? Location { get; init; }
    public IReadOnlyList<FakeGraphAttendee> Attendees { get; init; } = [];

    /// <summary>Single-value extended properties by id, as the app set them.</summary>
    public IReadOnlyDictionary<string, string> ExtendedProperties { get; init; } = new Dictionary<string, string>();

    public string ChangeKey { get; init; } = "";

    /// <summary>The store-wide change number of its last change: what delta rounds compare.</summary>
    public long Version { get; init; }

    public bool Deleted { get; init; }

    public bool Overlaps(DateTimeOffset from, DateTimeOffset to) => Start < to && End > from;
}

public sealed record FakeGraphAttendee(string Address, string? Name, string Type);

public sealed record FakeGraphSubscription(
    string Id,
    string Mailbox,
    string Resource,
    string ChangeType,
    Uri NotificationUrl,
    Uri? LifecycleNotificationUrl,
    string? ClientState,
    DateTimeOffset Expires);

/// <summary>What the fake does to the next Graph request instead of (or besides) answering it.</summary>
public abstract record FakeGraphFault
{
    /// <summary>429 with <c>Retry-After</c> in whole seconds, as Graph throttles a mailbox.</summary>
    public static FakeGraphFault Throttle(TimeSpan retryAfter) => new Status(429, "ApplicationThrottled", retryAfter);

    /// <summary>503, optionally with <c>Retry-After</c>.</summary>
    public static FakeGraphFault Unavailable(TimeSpan? retryAfter = null) => new Status(503, "ServiceUnavailable", retryAfter);

    public static FakeGraphFault ServerError() => new Status(500, "InternalServerError", null);

    /// <summary>Does what was asked, then drops the connection before answering: a create whose answer is lost.</summary>
    public static FakeGraphFault StoreThenLoseAnswer() => new LoseAnswer();

    /// <summary>Waits this long before handling the request: longer than the client's timeout, it is one.</summary>
    public static FakeGraphFault Stall(TimeSpan delay) => new Delay(delay);

    public sealed record Status(int Code, string ErrorCode, TimeSpan? RetryAfter) : FakeGraphFault;

    public sealed record LoseAnswer : FakeGraphFault;

    public sealed record Delay(TimeSpan Wait) : FakeGraphFault;
}

namespace BookingPortal.Tests.Fakes.GoogleCalendar;

public enum FakeGoogleFaultKind
{
    /// <summary>429 with <c>Retry-After</c>, nothing done.</summary>
    TooManyRequests,
    /// <summary>503 with <c>Retry-After</c> when given, nothing done.</summary>
    ServiceUnavailable,
    /// <summary>500, nothing done.</summary>
    ServerError,
    /// <summary>Google's 403 <c>rateLimitExceeded</c>, nothing done.</summary>
    RateLimitExceeded,
    /// <summary>The request is carried out, then the connection is dropped: the client never learns it worked.</summary>
    StoreThenDrop,
    /// <summary>The request is carried out, the answer sent only after <see cref="FakeGoogleFault.Delay"/> (past a client's timeout).</summary>
    StoreThenDelay,
}

/// <summary>What the fake does to one API request instead of (or after) answering it normally.</summary>
public sealed record FakeGoogleFault(FakeGoogleFaultKind Kind, TimeSpan? RetryAfter = null, DateTimeOffset? RetryAt = null, TimeSpan? Delay = null)
{
    public static FakeGoogleFault TooManyRequests(TimeSpan retryAfter) => new(FakeGoogleFaultKind.TooManyRequests, retryAfter);

    /// <summary>A 503 whose <c>Retry-After</c> is an HTTP date, the header's other form.</summary>
    public static FakeGoogleFault ServiceUnavailableUntil(DateTimeOffset retryAt) => new(FakeGoogleFaultKind.ServiceUnavailable, RetryAt: retryAt);

    public static FakeGoogleFault ServiceUnavailable() => new(FakeGoogleFaultKind.ServiceUnavailable);

    public static FakeGoogleFault ServerError() => new(FakeGoogleFaultKind.ServerError);

    public static FakeGoogleFault RateLimitExceeded() => new(FakeGoogleFaultKind.RateLimitExceeded);

    public static FakeGoogleFault StoreThenDrop() => new(FakeGoogleFaultKind.StoreThenDrop);

    public static FakeGoogleFault StoreThenDelay(TimeSpan delay) => new(FakeGoogleFaultKind.StoreThenDelay, Delay: delay);

    internal bool StoresFirst => Kind is FakeGoogleFaultKind.StoreThenDrop or FakeGoogleFaultKind.StoreThenDelay;
}

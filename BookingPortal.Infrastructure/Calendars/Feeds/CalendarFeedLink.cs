namespace BookingPortal.Infrastructure.Calendars.Feeds;

/// <summary>Which calendar a feed publishes.</summary>
public enum FeedKind
{
    /// <summary>The signed-in user's own bookings.</summary>
    Mine,

    /// <summary>One resource's bookings and maintenance.</summary>
    Resource,

    /// <summary>Every resource of a location, for its operators and admins.</summary>
    Location,
}

/// <summary>
/// A secret address through which a calendar app, which cannot send a bearer token, reads one feed as the user who
/// made the link. The secret is shown once; the row keeps its hash.
/// </summary>
public sealed class CalendarFeedLink
{
    private CalendarFeedLink()
    {
        UserId = string.Empty;
        TokenHash = string.Empty;
    }

    public CalendarFeedLink(Guid id, string userId, FeedKind feed, Guid? targetId, string tokenHash, DateTimeOffset now)
    {
        Id = id;
        UserId = userId;
        Feed = feed;
        TargetId = targetId;
        TokenHash = tokenHash;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public string UserId { get; private set; }
    public FeedKind Feed { get; private set; }

    /// <summary>The resource or location of the feed; null for <see cref="FeedKind.Mine"/>.</summary>
    public Guid? TargetId { get; private set; }

    public string TokenHash { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public DateTimeOffset? LastUsedAt { get; private set; }

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;
}

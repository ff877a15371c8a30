using BookingPortal.Domain.Common;

namespace BookingPortal.Domain.Displays;

/// <summary>
/// Lets one wall display show a location's floorplan without anyone signing in on it. Only a hash of the link's
/// secret is kept, so the stored row cannot be turned back into a working link; revoking it ends the display.
/// </summary>
public sealed class DisplayLink : AggregateRoot
{
    public const int MaxNameLength = 100;
    public const int ShortestCycleSeconds = 10;
    public const int LongestCycleSeconds = 3600;

    private DisplayLink()
    {
        Name = string.Empty;
        TokenHash = string.Empty;
        CreatedBy = string.Empty;
    }

    public DisplayLink(Guid id, string name, Guid locationId, Guid? floorId, int? cycleSeconds, string tokenHash, Actor createdBy,
        DateTimeOffset now)
    {
        Id = id;
        Name = RequireName(name);
        LocationId = locationId;
        FloorId = floorId;
        CycleSeconds = RequireCycle(cycleSeconds);
        TokenHash = string.IsNullOrWhiteSpace(tokenHash) ? throw new DomainException("A display link needs a token hash.") : tokenHash;
        CreatedBy = createdBy.UserId;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; }
    public Guid LocationId { get; private set; }

    /// <summary>The one floor to show; null shows every floor of the location.</summary>
    public Guid? FloorId { get; private set; }

    /// <summary>Seconds per floor when the display cycles through floors; null stays on one floor.</summary>
    public int? CycleSeconds { get; private set; }

    public string TokenHash { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public string? RevokedBy { get; private set; }

    /// <summary>When a display last opened the link: tells an admin which screens are still in use.</summary>
    public DateTimeOffset? LastSeenAt { get; private set; }

    public bool IsRevoked => RevokedAt is not null;

    public void Revoke(Actor by, DateTimeOffset now)
    {
        if (IsRevoked)
        {
            throw new DomainException("The display link is already revoked.");
        }

        RevokedAt = now;
        RevokedBy = by.UserId;
        Raise(new DisplayLinkRevoked(Id, LocationId, now));
    }

    public void MarkSeen(DateTimeOffset now) => LastSeenAt = now;

    public static bool IsValidCycle(int? seconds) => seconds is null or (>= ShortestCycleSeconds and <= LongestCycleSeconds);

    private static string RequireName(string name)
    {
        var trimmed = name.Trim();
        return trimmed.Length is 0 or > MaxNameLength || trimmed.Any(char.IsControl)
            ? throw new DomainException($"A display link needs a name of 1 to {MaxNameLength} characters.")
            : trimmed;
    }

    private static int? RequireCycle(int? seconds) => IsValidCycle(seconds)
        ? seconds
        : throw new DomainException($"Floors change every {ShortestCycleSeconds} to {LongestCycleSeconds} seconds.");
}

public sealed record DisplayLinkRevoked(Guid DisplayLinkId, Guid LocationId, DateTimeOffset OccurredAt) : IDomainEvent;

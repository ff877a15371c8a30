namespace BookingPortal.Infrastructure.Bookings;

/// <summary>The occurrences of one series, in order of their start.</summary>
public sealed record SeriesSnapshot(Guid SeriesId, IReadOnlyList<BookingSnapshot> Bookings);

public sealed record OccurrenceRange(DateTimeOffset Start, DateTimeOffset End);

/// <summary>Which requested occurrences collide, and what the user can do instead for the whole series.</summary>
public sealed record SeriesConflict(IReadOnlyList<OccurrenceRange> ConflictingOccurrences, ConflictDetails Details);

/// <summary>Every expected outcome of an operation on a whole series (or the rest of one).</summary>
public abstract record SeriesResult
{
    private SeriesResult()
    {
    }

    /// <summary>The occurrences created or changed (or, for a replay, the series as it is now).</summary>
    public sealed record Success(SeriesSnapshot Series, bool Replayed = false) : SeriesResult;

    public sealed record Conflict(SeriesConflict Details) : SeriesResult;

    /// <summary>Any other outcome means what it means for one booking: invalid, not found, forbidden, stale, refused, key reused.</summary>
    public sealed record Failed(BookingResult Outcome) : SeriesResult;
}

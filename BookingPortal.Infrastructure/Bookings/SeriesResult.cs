namespace BookingPortal.Infrastructure.Bookings;

/// <summary>
/// The occurrences of one series that an operation created or changed, in order of their start, and what it left out:
/// occurrences skipped for a clash, occurrences that moved to another room, and members it may not rewrite.
/// </summary>
public sealed record SeriesSnapshot(Guid SeriesId, IReadOnlyList<BookingSnapshot> Bookings)
{
    /// <summary>The series' version after the operation (its ETag for the next If-Match); null where none was read.</summary>
    public uint? Version { get; init; }

    /// <summary>The series this one was split off ("this and following"), when the operation split it.</summary>
    public Guid? SplitFrom { get; init; }

    public IReadOnlyList<SkippedOccurrence> Skipped { get; init; } = [];
    public IReadOnlyList<SwappedOccurrence> Swapped { get; init; } = [];
    public IReadOnlyList<LeftAloneOccurrence> LeftAlone { get; init; } = [];
}

/// <summary>An occurrence left out because its time was taken (<c>conflictPolicy: skip</c>, or no alternative was free).</summary>
public sealed record SkippedOccurrence(DateTimeOffset Start, DateTimeOffset End, Guid? BookingId, IReadOnlyList<ConflictingRange> Conflicts);

/// <summary>An occurrence booked in other resources than asked, because those were taken (<c>conflictPolicy: alternatives</c>).</summary>
public sealed record SwappedOccurrence(Guid BookingId, DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<Guid> Requested, IReadOnlyList<Guid> Booked);

/// <summary>A member an edit did not rewrite: it has started or ended, was checked in, completed or cancelled.</summary>
public sealed record LeftAloneOccurrence(Guid BookingId, DateTimeOffset Start, string Reason);

public sealed record OccurrenceRange(DateTimeOffset Start, DateTimeOffset End);

/// <summary>One clashing occurrence and what would free it on its own: other times that day, other rooms at that time.</summary>
public sealed record OccurrenceConflict(
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyList<ConflictingRange> Conflicts,
    IReadOnlyList<SuggestedSlot> SuggestedSlots,
    IReadOnlyList<AlternativeResource> AlternativeResources)
{
    /// <summary>Only other bookings hold it (no maintenance), so a request for it could wait for the slot to free.</summary>
    public bool CanJoinWaitlist => Conflicts.Count > 0 && Conflicts.All(c => c.Kind == BlockerKind.Booking);
}

/// <summary>
/// Which requested occurrences collide; what the user can do instead for the whole series (<see cref="Details"/>); and,
/// per clashing occurrence, what would resolve it alone (<see cref="Occurrences"/>).
/// </summary>
public sealed record SeriesConflict(IReadOnlyList<OccurrenceRange> ConflictingOccurrences, ConflictDetails Details)
{
    public IReadOnlyList<OccurrenceConflict> Occurrences { get; init; } = [];
}

/// <summary>What to do with occurrences of a series whose time is taken.</summary>
public enum ConflictPolicy
{
    /// <summary>Any clash refuses the whole request, and nothing changes.</summary>
    AllOrNothing,

    /// <summary>Book or move the free occurrences and leave out the clashing ones.</summary>
    Skip,

    /// <summary>Book a clashing occurrence in the best free alternative at the same time; skip it only when none is free.</summary>
    Alternatives,
}

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

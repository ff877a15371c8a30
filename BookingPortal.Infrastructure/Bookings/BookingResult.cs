using BookingPortal.Domain.Bookings;

namespace BookingPortal.Infrastructure.Bookings;

public sealed record BookingSnapshot(
    Guid Id,
    BookingStatus Status,
    IReadOnlyList<Guid> ResourceIds,
    DateTimeOffset Start,
    DateTimeOffset End,
    string Title,
    string OwnerId,
    string OwnerEmail,
    int AttendeeCount,
    Guid? SeriesId,
    uint Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CheckedInAt)
{
    public static BookingSnapshot Of(Booking b) => new(b.Id, b.Status, b.ResourceIds.Order().ToList(), b.Start, b.End, b.Title,
        b.OwnerId, b.OwnerEmail, b.AttendeeCount, b.SeriesId, b.Version, b.CreatedAt, b.CheckedInAt);
}

public enum BlockerKind
{
    Booking,
    Maintenance,
}

public sealed record ConflictingRange(Guid ResourceId, DateTimeOffset Start, DateTimeOffset End, BlockerKind Kind);

public sealed record SuggestedSlot(IReadOnlyList<Guid> ResourceIds, DateTimeOffset Start, DateTimeOffset End);

public sealed record AlternativeResource(Guid Id, string Name, int Capacity);

public sealed record ConflictDetails(
    IReadOnlyList<ConflictingRange> Conflicts,
    IReadOnlyList<SuggestedSlot> SuggestedSlots,
    IReadOnlyList<AlternativeResource> AlternativeResources,
    bool CanJoinWaitlist);

/// <summary>Every expected outcome of a booking operation. Exceptions are kept for bugs and outages.</summary>
public abstract record BookingResult
{
    private BookingResult()
    {
    }

    /// <summary>The booking holds its slot (or, for a replay, the first answer again).</summary>
    public sealed record Success(BookingSnapshot Booking, bool Replayed = false) : BookingResult;

    /// <summary>The slot was taken and the request waits on the wait list.</summary>
    public sealed record Queued(BookingSnapshot Booking, bool Replayed = false) : BookingResult;

    public sealed record Conflict(ConflictDetails Details) : BookingResult;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : BookingResult;

    public sealed record NotFound : BookingResult;

    public sealed record Forbidden(string Reason) : BookingResult;

    /// <summary>The caller's version is not the stored one: reload and retry.</summary>
    public sealed record Stale(uint CurrentVersion) : BookingResult;

    /// <summary>The status machine does not allow this now (e.g. cancelling a completed booking).</summary>
    public sealed record Refused(string Reason) : BookingResult;

    /// <summary>The idempotency key was first used with a different request.</summary>
    public sealed record KeyReused : BookingResult;
}

using BookingPortal.Domain.Bookings;

namespace BookingPortal.Infrastructure.Calendars;

/// <summary>
/// One booking as one reader's calendar shows it. <see cref="Private"/> entries already carry "Busy" as their title
/// and no owner: the reader may see that the resource is taken, not by whom or for what.
/// </summary>
public sealed record BookingEntry(
    Guid BookingId,
    Guid? SeriesId,
    DateTimeOffset? OccurrenceStart,
    string Title,
    bool Private,
    DateTimeOffset Start,
    DateTimeOffset End,
    BookingStatus Status,
    int Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset ChangedAt,
    string Place,
    string TimeZoneId,
    string? OwnerEmail);

/// <summary>A maintenance block on a resource's calendar.</summary>
public sealed record BlockEntry(Guid BlockId, string Summary, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset CreatedAt, string Place,
    string TimeZoneId);

/// <summary>
/// A series with a stored rule, published as one repeating event. <see cref="Sequence"/> counts the changes of every
/// member, so it grows whenever any occurrence changes, which is what calendar apps compare.
/// </summary>
public sealed record SeriesEntry(BookingSeries Series, int Sequence, DateTimeOffset ChangedAt);

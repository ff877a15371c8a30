using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Resources;

namespace BookingPortal.Infrastructure.Floorplan;

/// <summary>What a resource is doing right now, as a floorplan shows it.</summary>
public enum ResourceState
{
    Free,

    /// <summary>Free now, but a booking starts within <see cref="ResourceStates.StartingSoonWindow"/>.</summary>
    StartingSoon,

    /// <summary>A booking on a check-in resource has started and nobody has checked in yet.</summary>
    AwaitingCheckIn,

    /// <summary>Checked in, or booked and running where no check-in is asked for.</summary>
    Occupied,

    /// <summary>The current booking was marked a no-show, so the rest of its slot is free again.</summary>
    Released,

    Maintenance,
}

/// <summary>
/// One location at one instant: every floor with its resources' states, and the day's bookings. Times are in the
/// location's time zone. One board is shared by every screen of the location on an app instance, so it is immutable.
/// </summary>
public sealed record FloorplanBoard(
    Guid LocationId,
    string LocationName,
    string TimeZoneId,
    DateTimeOffset Now,
    IReadOnlyList<BoardFloor> Floors,
    IReadOnlyList<BoardBooking> Today)
{
    public static readonly TimeSpan ArrivalsWindow = TimeSpan.FromMinutes(60);

    /// <summary>Bookings that hold their slot and start from now until the end of <paramref name="window"/>.</summary>
    public IEnumerable<BoardBooking> ArrivingWithin(TimeSpan window) =>
        Today.Where(b => b.Status.HoldsSlot() && b.Start >= Now && b.Start < Now + window);

    public BoardResource? Resource(Guid id) => Floors.SelectMany(f => f.Resources).FirstOrDefault(r => r.Id == id);

    public string ResourceName(Guid id) => Resource(id)?.Name ?? "(elsewhere)";
}

public sealed record BoardFloor(
    Guid Id,
    string Name,
    int SortOrder,
    double Width,
    double Height,
    string? BackgroundImageUrl,
    IReadOnlyList<BoardResource> Resources);

public sealed record BoardResource(
    Guid Id,
    Guid FloorId,
    string Name,
    ResourceKind Kind,
    int Capacity,
    FloorplanShape Shape,
    bool RequiresCheckIn,
    ResourceState State,
    BoardBooking? Current,
    BoardBooking? Next,
    BoardBlock? Maintenance);

/// <summary>A booking as screens show it; <c>Can*</c> say which operator actions its status and the clock allow now.</summary>
public sealed record BoardBooking(
    Guid Id,
    string Title,
    string OwnerId,
    string OwnerEmail,
    DateTimeOffset Start,
    DateTimeOffset End,
    BookingStatus Status,
    int AttendeeCount,
    DateTimeOffset? CheckedInAt,
    IReadOnlyList<Guid> ResourceIds,
    bool CanCheckIn,
    bool CanMarkNoShow,
    bool CanCancel);

public sealed record BoardBlock(Guid Id, string Reason, DateTimeOffset Start, DateTimeOffset End);

/// <summary>What the floorplan editor needs: the floor, its resources, and the location's resources on other floors.</summary>
public sealed record FloorEditorView(
    Guid FloorId,
    Guid LocationId,
    string LocationName,
    string FloorName,
    double Width,
    double Height,
    string? BackgroundImageUrl,
    IReadOnlyList<EditorResource> OnThisFloor,
    IReadOnlyList<EditorResource> Elsewhere);

public sealed record EditorResource(Guid Id, Guid FloorId, string FloorName, string Name, ResourceKind Kind, int Capacity, FloorplanShape Shape);

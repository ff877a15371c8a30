using BookingPortal.Domain.Bookings;

namespace BookingPortal.Infrastructure.Floorplan;

/// <summary>The rules that turn one resource's bookings and maintenance into the state a floorplan shows.</summary>
public static class ResourceStates
{
    public static readonly TimeSpan StartingSoonWindow = TimeSpan.FromMinutes(15);

    /// <summary>
    /// <paramref name="bookings"/> are the resource's bookings of the day, ordered by start. Maintenance wins (nothing
    /// else can hold the time), then a holding booking running now, then a no-show whose slot is running, then a
    /// booking about to start.
    /// </summary>
    public static (ResourceState State, BoardBooking? Current, BoardBooking? Next) Evaluate(
        DateTimeOffset now, bool requiresCheckIn, IReadOnlyList<BoardBooking> bookings, BoardBlock? block)
    {
        var running = bookings.Where(b => b.Start <= now && now < b.End).ToList();
        var current = running.FirstOrDefault(b => b.Status.HoldsSlot() && b.Status != BookingStatus.Completed)
            ?? running.FirstOrDefault(b => b.Status == BookingStatus.NoShow);
        var next = bookings.FirstOrDefault(b => b.Start > now && b.Status.HoldsSlot());

        if (block is not null && block.Start <= now && now < block.End)
        {
            return (ResourceState.Maintenance, null, next);
        }

        var state = current switch
        {
            { Status: BookingStatus.CheckedIn } => ResourceState.Occupied,
            { Status: BookingStatus.NoShow } => ResourceState.Released,
            { Status: BookingStatus.Confirmed } when requiresCheckIn => ResourceState.AwaitingCheckIn,
            not null => ResourceState.Occupied,
            null when next is not null && next.Start - now <= StartingSoonWindow => ResourceState.StartingSoon,
            null => ResourceState.Free,
        };
        return (state, current, next);
    }
}

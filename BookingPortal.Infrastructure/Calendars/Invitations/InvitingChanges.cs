using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Persistence;

namespace BookingPortal.Infrastructure.Calendars.Invitations;

/// <summary>
/// Turns the changes of the bookings a context is about to save into invitation rows of the same save, so an
/// invitation is owed exactly when its change was committed, whichever code path made it. Unlike the in-app
/// notifications, the owner's own actions count: the invitation is how their calendar learns of them.
/// </summary>
internal static class InvitingChanges
{
    public static void Add(BookingDbContext db)
    {
        // One row per calendar entry per change: a series laid out or cancelled in one save is one message. A context
        // saved twice still holds the first save's events, and their rows are tracked by then.
        var written = db.ChangeTracker.Entries<CalendarInvitation>().Select(e => (e.Entity.EntryId, e.Entity.CreatedAt)).ToHashSet();
        // An outside event's booking lives in the organiser's calendar already; inviting them to it would duplicate it.
        var owed = db.ChangeTracker.Entries<Booking>()
            .Where(e => e.Entity.Outside is null)
            .SelectMany(e => e.Entity.DomainEvents.Where(change => Invites(e.Entity, change))
                .Select(change => CalendarInvitation.Of(e.Entity, change.OccurredAt)))
            .DistinctBy(i => (i.EntryId, i.CreatedAt))
            .Where(i => !written.Contains((i.EntryId, i.CreatedAt)));
        db.Set<CalendarInvitation>().AddRange(owed.ToList());
    }

    /// <summary>
    /// What changes a calendar entry the owner has, or now gets. A waiting-list request has none until it is promoted,
    /// so it is not invited, and not cancelled when it expires or is withdrawn; a no-show or a completion happens after
    /// the start, when the entry already stands where the calendar shows it.
    /// </summary>
    private static bool Invites(Booking booking, IDomainEvent change) => change switch
    {
        BookingCreated created => created.Status != BookingStatus.Pending,
        BookingStatusChanged { From: BookingStatus.Pending, To: BookingStatus.Confirmed or BookingStatus.AwaitingApproval } => true,
        BookingStatusChanged { From: BookingStatus.AwaitingApproval, To: BookingStatus.Confirmed } => true,
        BookingStatusChanged { From: BookingStatus.AwaitingApproval or BookingStatus.Confirmed, To: BookingStatus.Cancelled or BookingStatus.Rejected }
            => true,
        BookingRescheduled => booking.Status != BookingStatus.Pending,
        BookingEdited edited => edited.TitleChanged && booking.Status != BookingStatus.Pending,
        _ => false,
    };
}

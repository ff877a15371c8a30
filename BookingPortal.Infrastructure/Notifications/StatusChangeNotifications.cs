using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Notifications;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Notifications;

/// <summary>
/// Turns the status changes of the bookings a context is about to save into notification rows of the same save, so
/// a notification exists exactly when its change was committed, whichever code path made the change.
/// </summary>
internal static class StatusChangeNotifications
{
    private sealed record Place(Guid ResourceId, string Name, Location Location);

    public static async Task AddAsync(BookingDbContext db, CancellationToken ct)
    {
        var notices = Unwritten(db);
        if (notices.Count > 0)
        {
            Write(db, notices, await PlacesOf(db, notices).ToListAsync(ct));
        }
    }

    public static void Add(BookingDbContext db)
    {
        var notices = Unwritten(db);
        if (notices.Count > 0)
        {
            Write(db, notices, PlacesOf(db, notices).ToList());
        }
    }

    /// <summary>
    /// Notifying changes that have no row yet. A context saved twice still holds the first save's events (callers clear
    /// them after their transaction commits), and their rows are tracked by then, which is what recognises them.
    /// </summary>
    private static List<(Booking Booking, BookingStatusChanged Change, NotificationKind Kind)> Unwritten(BookingDbContext db)
    {
        var written = db.ChangeTracker.Entries<Notification>()
            .Select(e => (e.Entity.BookingId, e.Entity.Kind, e.Entity.CreatedAt))
            .ToHashSet();
        // A booking standing for an outside event has nobody here to tell: its calendar already knows.
        return db.ChangeTracker.Entries<Booking>()
            .Where(e => e.Entity.Outside is null)
            .SelectMany(e => e.Entity.DomainEvents.OfType<BookingStatusChanged>().Select(change => (Booking: e.Entity, Change: change)))
            .Select(x => (x.Booking, x.Change, Kind: Notification.KindOf(x.Booking, x.Change)))
            .Where(x => x.Kind is { } kind && !written.Contains((x.Booking.Id, kind, x.Change.OccurredAt)))
            .Select(x => (x.Booking, x.Change, x.Kind!.Value))
            .ToList();
    }

    private static IQueryable<Place> PlacesOf(BookingDbContext db, IEnumerable<(Booking Booking, BookingStatusChanged Change, NotificationKind Kind)> notices)
    {
        var resourceIds = notices.SelectMany(n => n.Booking.ResourceIds).Distinct().ToList();
        return db.Resources.AsNoTracking()
            .Where(r => resourceIds.Contains(r.Id))
            .Join(db.Locations.AsNoTracking(), r => r.LocationId, l => l.Id, (r, l) => new Place(r.Id, r.Name, l));
    }

    private static void Write(BookingDbContext db, IEnumerable<(Booking Booking, BookingStatusChanged Change, NotificationKind Kind)> notices,
        IReadOnlyCollection<Place> places)
    {
        var byResource = places.ToDictionary(p => p.ResourceId);
        foreach (var (booking, change, kind) in notices)
        {
            var mine = booking.ResourceIds.Select(id => byResource[id]).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            db.Notifications.Add(Notification.About(booking, change, kind, mine[0].Location, mine.Select(p => p.Name).ToList()));
        }
    }
}

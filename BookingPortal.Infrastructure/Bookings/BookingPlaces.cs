using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Bookings;

/// <summary>Where a booking is: its resources' names and their location, whose zone its times are shown in.</summary>
public sealed record BookingPlace(IReadOnlyList<string> ResourceNames, string LocationName, string TimeZoneId)
{
    public static readonly BookingPlace Unknown = new([], "", "UTC");

    internal static async Task<Dictionary<Guid, BookingPlace>> LoadAsync(BookingDbContext db, IReadOnlyCollection<Guid> bookingIds, CancellationToken ct)
    {
        var ids = bookingIds.Distinct().ToList();
        var rows = await db.Allocations.AsNoTracking()
            .Where(a => a.BookingId.HasValue && ids.Contains(a.BookingId.Value))
            .Join(db.Resources, a => a.ResourceId, r => r.Id, (a, r) => new { BookingId = a.BookingId!.Value, r.Name, r.LocationId })
            .Join(db.Locations, x => x.LocationId, l => l.Id, (x, l) => new { x.BookingId, x.Name, Location = l.Name, l.TimeZoneId })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.BookingId).ToDictionary(
            g => g.Key,
            g => new BookingPlace(g.Select(r => r.Name).Distinct().Order(StringComparer.CurrentCultureIgnoreCase).ToList(), g.First().Location, g.First().TimeZoneId));
    }
}

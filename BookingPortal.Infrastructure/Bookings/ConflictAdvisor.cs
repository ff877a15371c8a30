using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Bookings;

/// <summary>Turns "that slot is taken" into what the user can do instead.</summary>
internal static class ConflictAdvisor
{
    public static readonly TimeSpan SuggestionWindow = TimeSpan.FromHours(2);
    public static readonly TimeSpan SuggestionStep = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MaxBuffer = TimeSpan.FromHours(4);
    private const int MaxSuggestions = 5;
    private const int MaxAlternatives = 5;

    /// <summary>Holding allocations of these resources whose blocked range meets the window.</summary>
    public static Task<List<Allocation>> HoldingAsync(BookingDbContext db, IReadOnlyCollection<Guid> resourceIds, TimeRange window,
        Guid? ignoreBookingId, CancellationToken ct)
    {
        var ids = resourceIds.ToArray();
        var ignore = ignoreBookingId ?? Guid.Empty;
        return db.Allocations
            .FromSql($"""
                SELECT * FROM allocations
                WHERE resource_id = ANY({ids}) AND holds
                  AND blocked_range && tstzrange({window.Start}, {window.End}, '[)')
                  AND booking_id IS DISTINCT FROM {ignore}
                """)
            .AsNoTracking()
            .ToListAsync(ct);
    }

    public static List<ConflictingRange> Collisions(IReadOnlyCollection<Resource> resources, TimeRange range, IEnumerable<Allocation> holding) =>
        resources.SelectMany(r => holding
                .Where(a => a.ResourceId == r.Id && a.Blocked.Overlaps(r.BlockedRangeFor(range)))
                .Select(a => new ConflictingRange(r.Id, a.BlockedStart, a.BlockedEnd, a.BookingId is null ? BlockerKind.Maintenance : BlockerKind.Booking)))
            .OrderBy(c => c.Start)
            .ToList();

    /// <summary>
    /// Two round trips: the candidate alternatives, then every holding allocation of the requested resources and the
    /// candidates around the request. Losers of a race run this, so it stays cheap.
    /// </summary>
    public static async Task<ConflictDetails> ExplainAsync(BookingDbContext db, IReadOnlyCollection<Resource> resources, Location location,
        TimeRange range, int attendeeCount, IReadOnlyList<string> requiredFeatures, Guid? ignoreBookingId, DateTimeOffset now, CancellationToken ct)
    {
        var candidates = await CandidatesAsync(db, resources, location, attendeeCount, requiredFeatures, ct);
        var reach = SuggestionWindow + MaxBuffer;
        var ids = resources.Select(r => r.Id).Concat(candidates.Select(c => c.Id)).ToList();
        var holding = await HoldingAsync(db, ids, range.Widen(reach, reach), ignoreBookingId, ct);

        var conflicts = Collisions(resources, range, holding);
        var suggestions = SuggestSlots(resources, location, range, attendeeCount, holding, now);
        var alternatives = Alternatives(resources, candidates, location, range, attendeeCount, conflicts, holding, now);
        var canWait = conflicts.Count > 0 && conflicts.All(c => c.Kind == BlockerKind.Booking);
        return new ConflictDetails(conflicts, suggestions, alternatives, canWait);
    }

    /// <summary>Same resources and duration, shifted in 15-minute steps up to two hours either way, nearest first.</summary>
    private static List<SuggestedSlot> SuggestSlots(IReadOnlyCollection<Resource> resources, Location location, TimeRange range,
        int attendeeCount, List<Allocation> holding, DateTimeOffset now)
    {
        var ids = resources.Select(r => r.Id).Order().ToList();
        var steps = (int)(SuggestionWindow / SuggestionStep);
        var offsets = Enumerable.Range(1, steps).SelectMany(k => new[] { -k, k });
        var slots = new List<SuggestedSlot>();
        foreach (var k in offsets)
        {
            var candidate = range.Shift(SuggestionStep * k);
            if (BookingPolicy.CheckSlot(candidate, attendeeCount, resources, location, now).IsEmpty
                && Collisions(resources, candidate, holding).Count == 0)
            {
                slots.Add(new SuggestedSlot(ids, candidate.Start, candidate.End));
                if (slots.Count == MaxSuggestions)
                {
                    break;
                }
            }
        }

        return slots;
    }

    /// <summary>Active resources of the requested kinds at the same place, big enough and equipped.</summary>
    private static async Task<List<Resource>> CandidatesAsync(BookingDbContext db, IReadOnlyCollection<Resource> requested, Location location,
        int attendeeCount, IReadOnlyList<string> requiredFeatures, CancellationToken ct)
    {
        var kinds = requested.Select(r => r.Kind).Distinct().ToList();
        var requestedIds = requested.Select(r => r.Id).ToList();
        var candidates = await db.Resources.AsNoTracking()
            .Where(r => r.LocationId == location.Id && r.IsActive && kinds.Contains(r.Kind) && !requestedIds.Contains(r.Id) && r.Capacity >= attendeeCount)
            .ToListAsync(ct);
        return candidates.Where(r => r.HasFeatures(requiredFeatures)).ToList();
    }

    /// <summary>Candidates of the kinds that collided, free for the requested time: same floor first, then the snuggest fit.</summary>
    private static List<AlternativeResource> Alternatives(IReadOnlyCollection<Resource> requested, List<Resource> candidates, Location location,
        TimeRange range, int attendeeCount, List<ConflictingRange> conflicts, List<Allocation> holding, DateTimeOffset now)
    {
        var takenIds = conflicts.Select(c => c.ResourceId).ToHashSet();
        var kinds = requested.Where(r => takenIds.Contains(r.Id)).Select(r => r.Kind).ToHashSet();
        var floors = requested.Select(r => r.FloorId).ToHashSet();
        return candidates
            .Where(r => kinds.Contains(r.Kind)
                        && Collisions([r], range, holding).Count == 0
                        && BookingPolicy.CheckSlot(range, attendeeCount, [r], location, now).IsEmpty)
            .OrderBy(r => floors.Contains(r.FloorId) ? 0 : 1)
            .ThenBy(r => r.Capacity)
            .ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Take(MaxAlternatives)
            .Select(r => new AlternativeResource(r.Id, r.Name, r.Capacity))
            .ToList();
    }
}

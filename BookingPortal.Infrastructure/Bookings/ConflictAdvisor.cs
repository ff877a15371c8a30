using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Catalog;
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
        Guid? ignoreBookingId, CancellationToken ct) =>
        HoldingAsync(db, resourceIds.Select(id => (id, window)).ToList(), ignoreBookingId is { } id ? [id] : [], ct);

    /// <summary>
    /// Holding allocations that meet a window of their resource, for (resource, window) pairs, apart from those of the
    /// ignored bookings (the ones being moved). A series' windows can be spread over a year or more, and alternatives
    /// only matter at the requested times: asking per pair, which the allocations' GiST index answers, avoids one
    /// window spanning them all, which would load every reservation in between (a race's losers each run this, so what
    /// they load is what they pay for).
    /// </summary>
    public static Task<List<Allocation>> HoldingAsync(BookingDbContext db, IReadOnlyList<(Guid ResourceId, TimeRange Window)> pairs,
        IReadOnlyCollection<Guid> ignoreBookingIds, CancellationToken ct)
    {
        var ids = pairs.Select(p => p.ResourceId).ToArray();
        var starts = pairs.Select(p => p.Window.Start).ToArray();
        var ends = pairs.Select(p => p.Window.End).ToArray();
        var ignore = ignoreBookingIds.ToArray();
        return db.Allocations
            .FromSql($"""
                SELECT * FROM allocations WHERE id IN (
                    SELECT a.id
                    FROM unnest({ids}, {starts}, {ends}) AS w(resource_id, s, e)
                    JOIN allocations a ON a.resource_id = w.resource_id AND a.blocked_range && tstzrange(w.s, w.e, '[)')
                    WHERE a.holds AND (a.booking_id IS NULL OR a.booking_id <> ALL ({ignore})))
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
    /// One round trip, for the holding allocations of the requested resources around the request and of the candidate
    /// alternatives at it; the candidates come from the location's cached resources. Losers of a race run this, so it
    /// stays cheap.
    /// </summary>
    public static async Task<ConflictDetails> ExplainAsync(BookingDbContext db, ResourceSnapshots snapshots, IReadOnlyCollection<Resource> resources, Location location,
        TimeRange range, int attendeeCount, IReadOnlyList<string> requiredFeatures, Guid? ignoreBookingId, DateTimeOffset now, CancellationToken ct)
    {
        var (_, conflicts, suggestions, alternatives) = await ExplainOccurrencesAsync(db, snapshots, resources, location, [range], shifted => [shifted],
            attendeeCount, requiredFeatures, ignoreBookingId, now, ct);
        var canWait = conflicts.Count > 0 && conflicts.All(c => c.Kind == BlockerKind.Booking);
        return new ConflictDetails(conflicts, suggestions, alternatives, canWait);
    }

    /// <summary>
    /// A series is booked whole or not at all, so its advice is for the whole series: every clash of every occurrence,
    /// first-occurrence times at which every occurrence would be free (the request can be sent again with one of them),
    /// and resources free for every occurrence. A series never waits on the wait list. Each clashing occurrence also
    /// gets its own advice (other times that day, other rooms at that time), so a client can resolve them one by one.
    /// </summary>
    public static async Task<SeriesConflict> ExplainSeriesAsync(BookingDbContext db, ResourceSnapshots snapshots, IReadOnlyCollection<Resource> resources, Location location,
        IReadOnlyList<TimeRange> occurrences, Func<TimeRange, IReadOnlyList<TimeRange>> layout, int attendeeCount, IReadOnlyList<string> requiredFeatures,
        DateTimeOffset now, CancellationToken ct, IReadOnlyCollection<Guid>? ignoreBookingIds = null)
    {
        var candidates = await CandidatesAsync(db, snapshots, resources, location, attendeeCount, requiredFeatures, ct);
        var holding = await HoldingAsync(db, Around(occurrences, resources, candidates), ignoreBookingIds ?? [], ct);
        var (clashing, conflicts, suggestions, alternatives) = Explain(resources, location, occurrences, layout, attendeeCount, now, candidates, holding);
        var fits = new Fit(location, attendeeCount, holding, now);
        var each = clashing.Select(o =>
        {
            var own = Collisions(resources, o, holding);
            return new OccurrenceConflict(o.Start, o.End, own, SuggestSlots(resources, o, shifted => [shifted], fits),
                Alternatives(resources, candidates, [o], own, fits));
        }).ToList();
        return new SeriesConflict(clashing.Select(o => new OccurrenceRange(o.Start, o.End)).ToList(),
            new ConflictDetails(conflicts, suggestions, alternatives, CanJoinWaitlist: false)) { Occurrences = each };
    }

    /// <summary>
    /// For an occurrence whose resources are partly taken: the requested resources with each taken one replaced by the
    /// best free alternative (same kind; same floor first, then the snuggest fit), or null when one has none.
    /// </summary>
    public static IReadOnlyList<Resource>? Swap(IReadOnlyCollection<Resource> requested, IReadOnlyCollection<Guid> taken, List<Resource> candidates,
        TimeRange occurrence, Location location, int attendeeCount, List<Allocation> holding, DateTimeOffset now)
    {
        var fits = new Fit(location, attendeeCount, holding, now);
        var floors = requested.Select(r => r.FloorId).ToHashSet();
        var chosen = requested.Where(r => !taken.Contains(r.Id)).ToList();
        foreach (var gone in requested.Where(r => taken.Contains(r.Id)))
        {
            var replacement = candidates
                .Where(c => c.Kind == gone.Kind && chosen.All(k => k.Id != c.Id))
                .OrderBy(c => floors.Contains(c.FloorId) ? 0 : 1)
                .ThenBy(c => c.Capacity)
                .ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
                .FirstOrDefault(c => fits.Free([c], [occurrence]));
            if (replacement is null)
            {
                return null;
            }

            chosen.Add(replacement);
        }

        return BookingPolicy.CheckSlot(occurrence, attendeeCount, chosen, location, now).IsEmpty ? chosen : null;
    }

    /// <summary>Active resources of the requested kinds at the same place, big enough and equipped.</summary>
    public static async Task<List<Resource>> CandidatesAsync(BookingDbContext db, ResourceSnapshots snapshots, IReadOnlyCollection<Resource> requested,
        Location location, int attendeeCount, IReadOnlyList<string> requiredFeatures, CancellationToken ct)
    {
        var kinds = requested.Select(r => r.Kind).ToHashSet();
        var requestedIds = requested.Select(r => r.Id).ToHashSet();
        return (await snapshots.ActiveAtAsync(db, location.Id, ct))
            .Where(r => kinds.Contains(r.Kind) && !requestedIds.Contains(r.Id) && r.Capacity >= attendeeCount && r.HasFeatures(requiredFeatures))
            .ToList();
    }

    /// <summary>The requested resources around each occurrence, as far as a suggestion may shift it; an alternative only at the occurrences themselves.</summary>
    public static List<(Guid, TimeRange)> Around(IReadOnlyList<TimeRange> occurrences, IReadOnlyCollection<Resource> resources, List<Resource> candidates)
    {
        var reach = SuggestionWindow + MaxBuffer;
        return occurrences.SelectMany(o => resources.Select(r => (r.Id, o.Widen(reach, reach)))
                .Concat(candidates.Select(c => (c.Id, c.BlockedRangeFor(o)))))
            .ToList();
    }

    /// <param name="layout">The occurrences a request would have if its first one were the given range.</param>
    private static async Task<(List<TimeRange> Clashing, List<ConflictingRange> Conflicts, List<SuggestedSlot> Suggestions, List<AlternativeResource> Alternatives)>
        ExplainOccurrencesAsync(BookingDbContext db, ResourceSnapshots snapshots, IReadOnlyCollection<Resource> resources, Location location, IReadOnlyList<TimeRange> occurrences,
            Func<TimeRange, IReadOnlyList<TimeRange>> layout, int attendeeCount, IReadOnlyList<string> requiredFeatures, Guid? ignoreBookingId,
            DateTimeOffset now, CancellationToken ct)
    {
        var candidates = await CandidatesAsync(db, snapshots, resources, location, attendeeCount, requiredFeatures, ct);
        var holding = await HoldingAsync(db, Around(occurrences, resources, candidates), ignoreBookingId is { } id ? [id] : [], ct);
        return Explain(resources, location, occurrences, layout, attendeeCount, now, candidates, holding);
    }

    private static (List<TimeRange> Clashing, List<ConflictingRange> Conflicts, List<SuggestedSlot> Suggestions, List<AlternativeResource> Alternatives)
        Explain(IReadOnlyCollection<Resource> resources, Location location, IReadOnlyList<TimeRange> occurrences, Func<TimeRange, IReadOnlyList<TimeRange>> layout,
            int attendeeCount, DateTimeOffset now, List<Resource> candidates, List<Allocation> holding)
    {
        var clashing = occurrences.Where(o => Collisions(resources, o, holding).Count > 0).ToList();
        var conflicts = clashing.SelectMany(o => Collisions(resources, o, holding))
            .DistinctBy(c => (c.ResourceId, c.Start, c.End))
            .OrderBy(c => c.Start)
            .ToList();
        var fits = new Fit(location, attendeeCount, holding, now);
        var suggestions = SuggestSlots(resources, occurrences[0], layout, fits);
        var alternatives = Alternatives(resources, candidates, occurrences, conflicts, fits);
        return (clashing, conflicts, suggestions, alternatives);
    }

    /// <summary>Whether resources could take all these occurrences: every rule met and nothing holding them.</summary>
    private sealed record Fit(Location Location, int AttendeeCount, List<Allocation> Holding, DateTimeOffset Now)
    {
        public bool Free(IReadOnlyCollection<Resource> resources, IReadOnlyList<TimeRange> occurrences) =>
            occurrences.Count > 0
            && BookingPolicy.CheckSeries(occurrences, AttendeeCount, resources, Location, Now).IsEmpty
            && occurrences.All(o => Collisions(resources, o, Holding).Count == 0);
    }

    /// <summary>Same resources and duration, the first occurrence shifted in 15-minute steps up to two hours either way, nearest first.</summary>
    private static List<SuggestedSlot> SuggestSlots(IReadOnlyCollection<Resource> resources, TimeRange first,
        Func<TimeRange, IReadOnlyList<TimeRange>> layout, Fit fits)
    {
        var ids = resources.Select(r => r.Id).Order().ToList();
        var steps = (int)(SuggestionWindow / SuggestionStep);
        var offsets = Enumerable.Range(1, steps).SelectMany(k => new[] { -k, k });
        var slots = new List<SuggestedSlot>();
        foreach (var k in offsets)
        {
            var candidate = first.Shift(SuggestionStep * k);
            if (fits.Free(resources, layout(candidate)))
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

    /// <summary>Candidates of the kinds that collided, free for every requested occurrence: same floor first, then the snuggest fit.</summary>
    private static List<AlternativeResource> Alternatives(IReadOnlyCollection<Resource> requested, List<Resource> candidates,
        IReadOnlyList<TimeRange> occurrences, List<ConflictingRange> conflicts, Fit fits)
    {
        var takenIds = conflicts.Select(c => c.ResourceId).ToHashSet();
        var kinds = requested.Where(r => takenIds.Contains(r.Id)).Select(r => r.Kind).ToHashSet();
        var floors = requested.Select(r => r.FloorId).ToHashSet();
        // Ordered before the costlier free check, so it runs only until enough alternatives are found.
        return candidates
            .Where(r => kinds.Contains(r.Kind))
            .OrderBy(r => floors.Contains(r.FloorId) ? 0 : 1)
            .ThenBy(r => r.Capacity)
            .ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Where(r => fits.Free([r], occurrences))
            .Take(MaxAlternatives)
            .Select(r => new AlternativeResource(r.Id, r.Name, r.Capacity))
            .ToList();
    }
}

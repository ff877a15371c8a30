using System.Globalization;
using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Persistence;

namespace BookingPortal.Infrastructure.Bookings;

/// <summary>Per-occurrence ways out of a clash in a series request: skip this week, another time, another room, the wait list.</summary>
public sealed partial class BookingEngine
{
    /// <summary>A choice made concrete: where the occurrence goes and in what, checked against the rules.</summary>
    private sealed record ChosenOccurrence(OccurrenceAction Action, TimeRange Range, IReadOnlyList<Resource> Resources);

    /// <summary>
    /// Matches each choice to the occurrence whose planned start it names and checks what it asks for as a single booking
    /// would be checked. Every problem lands in <paramref name="errors"/> under <c>choices</c>, naming the local day.
    /// </summary>
    private async Task<Dictionary<DateTimeOffset, ChosenOccurrence>> ReadChoicesAsync(BookingDbContext db, IReadOnlyList<OccurrenceChoice>? choices,
        IReadOnlyList<(TimeRange Range, IReadOnlyList<Resource> Resources)> planned, Location location, int attendeeCount, bool waitlistAllowed,
        ValidationErrors errors, DateTimeOffset now, CancellationToken ct)
    {
        var chosen = new Dictionary<DateTimeOffset, ChosenOccurrence>();
        if (choices is not { Count: > 0 })
        {
            return chosen;
        }

        var named = choices.SelectMany(c => c.ResourceIds ?? []).Distinct().ToList();
        var (found, _) = await snapshots.GetAsync(db, named, ct);
        foreach (var choice in choices)
        {
            var day = location.LocalDay(choice.OccurrenceStart).ToString("ddd yyyy-MM-dd", CultureInfo.InvariantCulture);
            var occurrence = planned.FirstOrDefault(p => p.Range.Start == choice.OccurrenceStart);
            if (occurrence.Resources is null)
            {
                errors.Add("choices", $"No occurrence of this request starts at {location.ToLocal(choice.OccurrenceStart).ToString("HH:mm", CultureInfo.InvariantCulture)} on {day}.");
                continue;
            }

            if (!chosen.TryAdd(choice.OccurrenceStart, new ChosenOccurrence(choice.Action, occurrence.Range, occurrence.Resources)))
            {
                errors.Add("choices", $"{day}: choose one thing per occurrence.");
                continue;
            }

            if (choice.Action == OccurrenceAction.Waitlist && !waitlistAllowed)
            {
                errors.Add("choices", $"{day}: an occurrence being changed cannot wait on the wait list; skip it, or choose another time or room.");
                continue;
            }

            if (choice.Action != OccurrenceAction.Book)
            {
                continue;
            }

            if (choice.Start is null != choice.End is null)
            {
                errors.Add("choices", $"{day}: give both a start and an end for another time.");
                continue;
            }

            if (!TimeRange.TryCreate(choice.Start ?? occurrence.Range.Start, choice.End ?? occurrence.Range.End, out var range))
            {
                errors.Add("choices", $"{day}: the end must be after the start.");
                continue;
            }

            IReadOnlyList<Resource> resources = occurrence.Resources;
            if (choice.ResourceIds is { } ids)
            {
                var own = found.Where(r => ids.Contains(r.Id)).ToList();
                var problems = BookingPolicy.CheckResources(ids, own);
                if (own.Any(r => r.LocationId != location.Id))
                {
                    problems.Add("resourceIds", "Every occurrence of a series stays at its location; choose resources there.");
                }

                if (!problems.IsEmpty)
                {
                    AddFor(day, problems, errors);
                    continue;
                }

                resources = own;
            }

            AddFor(day, BookingPolicy.CheckSlot(range, attendeeCount, resources.ToList(), location, now), errors);
            chosen[choice.OccurrenceStart] = new ChosenOccurrence(OccurrenceAction.Book, range, resources);
        }

        return chosen;
    }

    private static void AddFor(string day, ValidationErrors problems, ValidationErrors errors)
    {
        foreach (var message in problems.ToDictionary().Values.SelectMany(m => m))
        {
            errors.Add("choices", $"{day}: {message}");
        }
    }
}

using System.Globalization;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;

namespace BookingPortal.Domain.Bookings;

/// <summary>
/// The rules a request must meet before it may take a slot. Wall-clock rules are evaluated in the location's zone.
/// Field names in the result match the API's request body so clients can show the message next to the input.
/// </summary>
public static class BookingPolicy
{
    /// <summary>People click "book now" a little after the hour; a start this far back still counts as now.</summary>
    public static readonly TimeSpan PastTolerance = TimeSpan.FromMinutes(5);

    public const int MaxResourcesPerBooking = 10;

    public static ValidationErrors CheckSlot(TimeRange range, int attendeeCount, IReadOnlyCollection<Resource> resources,
        Location location, DateTimeOffset now)
    {
        var errors = new ValidationErrors();
        if (range.Start < now - PastTolerance)
        {
            errors.Add("start", "The booking cannot start in the past.");
        }

        foreach (var resource in resources)
        {
            var rules = resource.Rules;
            if (range.Duration < rules.MinDuration)
            {
                errors.Add("end", $"{resource.Name} must be booked for at least {Describe(rules.MinDuration)}.");
            }

            if (range.Duration > rules.MaxDuration)
            {
                errors.Add("end", $"{resource.Name} can be booked for at most {Describe(rules.MaxDuration)}.");
            }

            if (range.Start > now + rules.Horizon)
            {
                errors.Add("start", $"{resource.Name} can be booked at most {Describe(rules.Horizon)} ahead.");
            }
        }

        if (!location.IsOpenThroughout(range))
        {
            errors.Add("start", $"{location.Name} is not open for the whole booking ({DescribeLocal(range, location)}, {location.TimeZoneId}).");
        }

        var seats = resources.Sum(r => r.Capacity);
        if (attendeeCount > seats)
        {
            errors.Add("attendeeCount", $"{attendeeCount} attendees do not fit: the capacity is {seats}.");
        }

        return errors;
    }

    /// <summary>
    /// <see cref="CheckSlot"/> for every occurrence of a series, each message once: one that only some occurrences
    /// earn names their local dates, so the user knows which to move or leave out.
    /// </summary>
    public static ValidationErrors CheckSeries(IReadOnlyList<TimeRange> occurrences, int attendeeCount, IReadOnlyCollection<Resource> resources,
        Location location, DateTimeOffset now)
    {
        var failures = new Dictionary<(string Field, string Message), List<DateOnly>>();
        foreach (var occurrence in occurrences)
        {
            var day = DateOnly.FromDateTime(location.ToLocal(occurrence.Start).DateTime);
            foreach (var (field, messages) in CheckSlot(occurrence, attendeeCount, resources, location, now).ToDictionary())
            {
                foreach (var message in messages)
                {
                    if (!failures.TryGetValue((field, message), out var days))
                    {
                        failures[(field, message)] = days = [];
                    }

                    days.Add(day);
                }
            }
        }

        var errors = new ValidationErrors();
        foreach (var ((field, message), days) in failures)
        {
            var everyOccurrence = days.Count == occurrences.Count;
            var namesItsDay = days.Count == 1 && message.Contains(days[0].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal);
            errors.Add(field, everyOccurrence || namesItsDay
                ? message
                : $"{message} Occurrence(s) on {string.Join(", ", days.Select(d => d.ToString("ddd yyyy-MM-dd", CultureInfo.InvariantCulture)))}.");
        }

        // The database would refuse a series whose own blocked ranges overlap, with no one else to blame in the answer.
        foreach (var resource in resources)
        {
            if (occurrences.Zip(occurrences.Skip(1)).Any(pair => resource.BlockedRangeFor(pair.First).Overlaps(resource.BlockedRangeFor(pair.Second))))
            {
                errors.Add("recurrence.interval", $"With {resource.Name}'s buffers before and after, occurrences would overlap each other; choose a longer interval.");
            }
        }

        return errors;
    }

    public static ValidationErrors CheckResources(IReadOnlyCollection<Guid> requested, IReadOnlyCollection<Resource> found)
    {
        var errors = new ValidationErrors();
        if (requested.Count == 0)
        {
            errors.Add("resourceIds", "Choose at least one resource.");
            return errors;
        }

        if (requested.Count > MaxResourcesPerBooking)
        {
            errors.Add("resourceIds", $"A booking can take at most {MaxResourcesPerBooking} resources.");
        }

        if (requested.Distinct().Count() != requested.Count)
        {
            errors.Add("resourceIds", "A resource is listed twice.");
        }

        foreach (var missing in requested.Where(id => found.All(r => r.Id != id)).Distinct())
        {
            errors.Add("resourceIds", $"Resource {missing} does not exist.");
        }

        foreach (var inactive in found.Where(r => !r.IsActive))
        {
            errors.Add("resourceIds", $"{inactive.Name} is no longer bookable.");
        }

        if (found.Select(r => r.LocationId).Distinct().Count() > 1)
        {
            errors.Add("resourceIds", "All resources of one booking must be at the same location.");
        }

        return errors;
    }

    public static ValidationErrors CheckDetails(string? title, int attendeeCount)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(title))
        {
            errors.Add("title", "A title is required.");
        }
        else if (title.Trim().Length > Booking.MaxTitleLength)
        {
            errors.Add("title", $"The title can be at most {Booking.MaxTitleLength} characters.");
        }
        else if (title.Any(char.IsControl))
        {
            errors.Add("title", "The title cannot contain control characters.");
        }

        if (attendeeCount < 1)
        {
            errors.Add("attendeeCount", "At least one attendee is needed.");
        }

        return errors;
    }

    private static string DescribeLocal(TimeRange range, Location location)
    {
        var start = location.ToLocal(range.Start);
        var end = location.ToLocal(range.End);
        return $"{start:ddd yyyy-MM-dd HH:mm}–{end:HH:mm}";
    }

    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? $"{span.TotalDays:0} days"
        : span.TotalHours >= 1 && span.TotalMinutes % 60 == 0 ? $"{span.TotalHours:0} hours"
        : $"{span.TotalMinutes:0} minutes";
}

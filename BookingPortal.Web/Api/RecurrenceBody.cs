using System.Globalization;
using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;

namespace BookingPortal.Web.Api;

/// <summary>
/// The <c>recurrence</c> member of a booking request, e.g. <c>{"frequency":"weekly","interval":2,"daysOfWeek":["monday",
/// "thursday"],"until":"2027-06-30"}</c>. Names are read as text so a wrong one gets a message listing the right ones.
/// </summary>
public sealed record RecurrenceBody(string? Frequency, int? Interval, string[]? DaysOfWeek, int? Count, string? Until)
{
    private static readonly Dictionary<string, DayOfWeek> DayNames = Enum.GetValues<DayOfWeek>()
        .SelectMany(d => new[] { (Name: d.ToString(), Day: d), (Name: d.ToString()[..2], Day: d) })
        .ToDictionary(x => x.Name, x => x.Day, StringComparer.OrdinalIgnoreCase);

    public (Recurrence? Rule, ValidationErrors Errors) ToRule()
    {
        var errors = new ValidationErrors();
        RecurrenceFrequency? frequency = Frequency?.Trim().ToLowerInvariant() switch
        {
            "daily" => RecurrenceFrequency.Daily,
            "weekly" => RecurrenceFrequency.Weekly,
            "monthly" => RecurrenceFrequency.Monthly,
            _ => null,
        };
        if (frequency is null)
        {
            errors.Add("recurrence.frequency", Frequency is null ? "'frequency' is required: daily, weekly or monthly." : "The frequency must be daily, weekly or monthly.");
        }

        var days = new List<DayOfWeek>();
        foreach (var name in DaysOfWeek ?? [])
        {
            if (name is not null && DayNames.TryGetValue(name.Trim(), out var day))
            {
                days.Add(day);
            }
            else
            {
                errors.Add("recurrence.daysOfWeek", "Days of the week are monday to sunday (or mo to su).");
            }
        }

        DateOnly? until = null;
        if (Until is not null)
        {
            if (DateOnly.TryParseExact(Until.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last))
            {
                until = last;
            }
            else
            {
                errors.Add("recurrence.until", "Expected the last local day of the series as a date, e.g. 2027-03-31.");
            }
        }

        if (frequency is null || !errors.IsEmpty)
        {
            return (null, errors);
        }

        // Format errors come alone: checking the rule with a guessed frequency or a missing end would add misleading ones.
        var (rule, ruleErrors) = Recurrence.Create(frequency.Value, Interval ?? 1, days, Count, until);
        return (rule, errors.Merge(ruleErrors));
    }
}

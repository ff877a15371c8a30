using BookingPortal.Infrastructure.Bookings;
using static BookingPortal.Web.Components.Shared.Floorplan.StatePresentation;

namespace BookingPortal.Web.Components.Shared.Floorplan;

/// <summary>An engine answer as one sentence for the person who clicked.</summary>
public sealed record BookingOutcome(bool Succeeded, string Message)
{
    public static BookingOutcome Of(BookingResult result, string done, TimeZoneInfo zone) => result switch
    {
        BookingResult.Success or BookingResult.Queued => new(true, done),
        BookingResult.Conflict { Details: var details } => new(false, details.SuggestedSlots.Count == 0
            ? "That time is taken, and there is no free slot nearby."
            : "That time is taken. Free nearby: " + string.Join(", ", details.SuggestedSlots.Take(3)
                .Select(s => $"{Time(TimeZoneInfo.ConvertTime(s.Start, zone))}–{Time(TimeZoneInfo.ConvertTime(s.End, zone))}")) + "."),
        BookingResult.Invalid { Errors: var errors } => new(false, string.Join(" ", errors.Values.SelectMany(m => m))),
        BookingResult.Forbidden { Reason: var reason } => new(false, reason),
        BookingResult.Refused { Reason: var reason } => new(false, $"Not possible now: {reason}."),
        BookingResult.Stale => new(false, "Someone changed this booking a moment ago; the screen has the current state now."),
        BookingResult.NotFound => new(false, "That booking no longer exists."),
        _ => new(false, "That did not work; please try again."),
    };
}

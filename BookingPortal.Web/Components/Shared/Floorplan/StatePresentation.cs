using System.Globalization;
using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Floorplan;

namespace BookingPortal.Web.Components.Shared.Floorplan;

/// <summary>How each state looks and reads. Every state has a pattern or border of its own and a text label, so colour is never the only signal.</summary>
public static class StatePresentation
{
    public static readonly IReadOnlyList<ResourceState> All = Enum.GetValues<ResourceState>();

    /// <summary>CSS suffix shared by the plan's shapes and the legend's swatches (see app.css, "Floorplan").</summary>
    public static string CssName(ResourceState state) => state switch
    {
        ResourceState.Free => "free",
        ResourceState.StartingSoon => "soon",
        ResourceState.AwaitingCheckIn => "awaiting",
        ResourceState.Occupied => "occupied",
        ResourceState.Released => "released",
        ResourceState.Maintenance => "maintenance",
        _ => "free",
    };

    public static string Name(ResourceState state) => state switch
    {
        ResourceState.Free => "Free",
        ResourceState.StartingSoon => "Booked soon",
        ResourceState.AwaitingCheckIn => "Awaiting check-in",
        ResourceState.Occupied => "Occupied",
        ResourceState.Released => "Released (no-show)",
        ResourceState.Maintenance => "Maintenance",
        _ => state.ToString(),
    };

    public static string Explanation(ResourceState state) => state switch
    {
        ResourceState.Free => "nothing booked now",
        ResourceState.StartingSoon => "a booking starts within 15 minutes",
        ResourceState.AwaitingCheckIn => "booking started, nobody checked in yet",
        ResourceState.Occupied => "checked in or in use",
        ResourceState.Released => "the booking was a no-show; free again",
        ResourceState.Maintenance => "out of service",
        _ => string.Empty,
    };

    /// <summary>The one line that says what is going on, e.g. "Occupied until 11:00".</summary>
    public static string Summary(BoardResource r) => r.State switch
    {
        ResourceState.Free when r.Next is { } next => $"Free until {Time(next.Start)}",
        ResourceState.Free => "Free",
        ResourceState.StartingSoon => $"Booked from {Time(r.Next!.Start)}",
        ResourceState.AwaitingCheckIn => $"Awaiting check-in since {Time(r.Current!.Start)}",
        ResourceState.Occupied when r.Current is { Status: BookingStatus.AwaitingApproval } current => $"Booked until {Time(current.End)} (awaiting approval)",
        ResourceState.Occupied => $"Occupied until {Time(r.Current!.End)}",
        ResourceState.Released => $"Released (no-show), free until {Time(r.Next?.Start ?? r.Current!.End)}",
        ResourceState.Maintenance => $"Maintenance until {Time(r.Maintenance!.End)}",
        _ => Name(r.State),
    };

    public static string Seats(int capacity) => capacity == 1 ? "1 seat" : $"{capacity} seats";

    public static string Time(DateTimeOffset local) => local.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string Period(BoardBooking b) => $"{Time(b.Start)}–{Time(b.End)}";

    public static string StatusText(BookingStatus status) => status switch
    {
        BookingStatus.AwaitingApproval => "Awaiting approval",
        BookingStatus.CheckedIn => "Checked in",
        BookingStatus.NoShow => "No-show",
        _ => status.ToString(),
    };
}

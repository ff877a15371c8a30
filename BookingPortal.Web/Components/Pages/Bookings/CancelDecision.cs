namespace BookingPortal.Web.Components.Pages.Bookings;

/// <summary>The answer of the cancel dialog; closing it without one keeps the booking.</summary>
public sealed record CancelDecision(string? Reason, SeriesScope Scope = SeriesScope.Occurrence);

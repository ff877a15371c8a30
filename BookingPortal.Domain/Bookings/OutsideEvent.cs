namespace BookingPortal.Domain.Bookings;

/// <summary>
/// The event in a linked outside calendar (Microsoft 365, Google) that a booking stands for. Such a booking holds its
/// room like any other, through the same constraint, but it belongs to that calendar: it moves and ends when the event
/// does there, and nobody here can change it.
/// </summary>
/// <param name="Provider">"microsoft" or "google".</param>
/// <param name="CalendarId">The linked calendar it was read from: one meeting in two room calendars is two holds.</param>
/// <param name="ExternalId">The provider's id of the event.</param>
/// <param name="OrganizerName">Who organised it there, when the provider says; shown beside "Busy" where allowed.</param>
public sealed record OutsideEvent(string Provider, string CalendarId, string ExternalId, string? OrganizerName)
{
    public string ProviderName => Provider == "microsoft" ? "Microsoft 365" : "Google Calendar";
}

using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Web.Components.Shared;
using Radzen;

namespace BookingPortal.Web.Components.Pages.Bookings;

/// <summary>
/// What staff can do to a booking from any screen: book, change, move, cancel, check in. Every write goes through
/// the engine; this class only opens the dialogs and turns the engine's answers into messages. One per circuit.
/// </summary>
public sealed class BookingActions(
    DialogService dialogs,
    NotificationService notifications,
    BookingEngine engine,
    BookingQueries bookings,
    ResourceCatalog catalog)
{
    private static readonly DialogOptions BookingDialogOptions = new()
    {
        Width = "640px",
        CssClass = "booking-dialog",
        CloseDialogOnEsc = true,
        // BookingDialog focuses its title itself, once.
        AutoFocusFirstElement = false,
    };

    /// <summary>Opens the dialog for a new booking; the created (or wait-listed) booking, or null when closed.</summary>
    public Task<BookingSnapshot?> BookAsync(LocationView venue, IReadOnlyList<ResourceView> resources, BookingDraft draft, Actor actor) =>
        OpenAsync("New booking", venue, resources, draft, actor, null);

    /// <summary>Opens the dialog on an existing booking to change its time, resources, title or attendees.</summary>
    public async Task<BookingSnapshot?> ChangeAsync(Guid bookingId, Actor actor)
    {
        if (await LoadAsync(bookingId) is not var (booking, venue, resources))
        {
            return null;
        }

        var series = booking.SeriesId is { } seriesId ? await bookings.SeriesAsync(seriesId) : null;
        var draft = DraftOf(booking, venue, series);
        return await OpenAsync("Change booking", venue, resources, draft, actor, null);
    }

    /// <summary>
    /// Moves a booking where it was dropped. The server decides: a refusal for a taken slot opens the dialog at the
    /// requested place with the nearest free times and rooms. True when the booking moved (at once or via the dialog).
    /// </summary>
    public async Task<bool> MoveAsync(Guid bookingId, uint version, TimeRange to, IReadOnlyList<Guid> resourceIds, Actor actor, Guid? seriesId = null)
    {
        if (seriesId is not null)
        {
            return await MoveInSeriesAsync(bookingId, version, to, resourceIds, actor);
        }

        var result = await engine.ChangeAsync(new ChangeBookingCommand(bookingId, to.Start, to.End, resourceIds, ExpectedVersion: version), actor);
        switch (result)
        {
            case BookingResult.Success(var moved, _):
                Notify(NotificationSeverity.Success, "Booking moved", moved.Title);
                return true;
            case BookingResult.Conflict(var details) when await LoadAsync(bookingId) is var (booking, venue, resources):
                var draft = DraftOf(booking, venue);
                draft.MoveTo(venue.ToLocation(), to.Start, to.End);
                draft.ResourceIds = resourceIds;
                return await OpenAsync("That time is taken", venue, resources, draft, actor, details) is not null;
            case BookingResult.Invalid(var errors):
                Notify(NotificationSeverity.Error, "The booking cannot move there", string.Join(" ", errors.Values.SelectMany(m => m)));
                return false;
            case BookingResult.Stale:
                Notify(NotificationSeverity.Warning, "The booking changed meanwhile", "The calendar shows it as it is now; try again.");
                return false;
            default:
                Notify(NotificationSeverity.Error, "The booking was not moved", Reason(result));
                return false;
        }
    }

    /// <summary>
    /// A dropped occurrence of a series asks first whether the drop is for it alone, the following ones or all. A
    /// clash in some weeks opens the dialog at the dropped place with a way out for each clashing week.
    /// </summary>
    private async Task<bool> MoveInSeriesAsync(Guid bookingId, uint version, TimeRange to, IReadOnlyList<Guid> resourceIds, Actor actor)
    {
        if (await LoadAsync(bookingId) is not var (booking, venue, resources))
        {
            return false;
        }

        var location = venue.ToLocation();
        if (await dialogs.OpenAsync<MoveScopeDialog>("Move an occurrence of a series",
                new Dictionary<string, object?>
                {
                    [nameof(MoveScopeDialog.BookingTitle)] = booking.Title,
                    [nameof(MoveScopeDialog.When)] = location.Describe(to.Start, to.End),
                },
                new DialogOptions { Width = "480px", CssClass = "booking-dialog", CloseDialogOnEsc = true }) is not SeriesScope scope)
        {
            return false;
        }

        if (scope == SeriesScope.Occurrence)
        {
            return await MoveAsync(bookingId, version, to, resourceIds, actor);
        }

        var series = await bookings.SeriesAsync(booking.SeriesId!.Value);
        var otherResources = !booking.ResourceIds.Order().SequenceEqual(resourceIds.Order());
        var result = await engine.ChangeSeriesAsync(new ChangeSeriesCommand(bookingId, scope == SeriesScope.Following, to.Start, to.End,
            otherResources ? resourceIds : null, ExpectedSeriesVersion: series?.Version), actor);
        switch (result)
        {
            case SeriesResult.Success(var moved, _):
                Notify(NotificationSeverity.Success, scope == SeriesScope.Series ? "Series moved" : "This and the following occurrences moved",
                    moved.Skipped.Count > 0 ? $"{moved.Skipped.Count} left as they were, their new time being taken." : booking.Title);
                return true;
            case SeriesResult.Conflict(var details):
                var draft = DraftOf(booking, venue, series);
                draft.MoveTo(location, to.Start, to.End);
                draft.ResourceIds = resourceIds;
                draft.Scope = scope;
                return await OpenAsync("Some weeks are taken", venue, resources, draft, actor, null, details) is not null;
            default:
                Notify(NotificationSeverity.Error, "The series was not moved", Reason(((SeriesResult.Failed)result).Outcome));
                return false;
        }
    }

    /// <summary>Asks for a reason (and, in a series, how far it goes), then cancels. True when something was cancelled.</summary>
    public async Task<bool> CancelAsync(Guid bookingId, string title, string when, Actor actor, bool inSeries = false)
    {
        var decision = await dialogs.OpenAsync<CancelBookingDialog>("Cancel booking",
            new Dictionary<string, object?>
            {
                [nameof(CancelBookingDialog.BookingTitle)] = title,
                [nameof(CancelBookingDialog.When)] = when,
                [nameof(CancelBookingDialog.InSeries)] = inSeries,
            },
            new DialogOptions { Width = "480px", CssClass = "booking-dialog", CloseDialogOnEsc = true }) as CancelDecision;
        if (decision is null)
        {
            return false;
        }

        if (decision.Scope != SeriesScope.Occurrence)
        {
            var outcome = await engine.CancelSeriesAsync(bookingId, actor, decision.Reason, onlyFollowing: decision.Scope == SeriesScope.Following);
            if (outcome is SeriesResult.Success(var series, _))
            {
                Notify(NotificationSeverity.Success, $"{series.Bookings.Count} {(series.Bookings.Count == 1 ? "booking" : "bookings")} cancelled", title);
                return true;
            }

            Notify(NotificationSeverity.Error, "The bookings were not cancelled", outcome is SeriesResult.Failed(var failed) ? Reason(failed) : null);
            return false;
        }

        var result = await engine.CancelAsync(bookingId, actor, decision.Reason);
        if (result is BookingResult.Success(var cancelled, _))
        {
            Notify(NotificationSeverity.Success, "Booking cancelled", cancelled.Title);
            return true;
        }

        Notify(NotificationSeverity.Error, "The booking was not cancelled", Reason(result));
        return false;
    }

    public async Task<bool> CheckInAsync(Guid bookingId, Actor actor)
    {
        var result = await engine.CheckInAsync(bookingId, actor);
        if (result is BookingResult.Success(var booking, _))
        {
            Notify(NotificationSeverity.Success, "Checked in", booking.Title);
            return true;
        }

        Notify(NotificationSeverity.Error, "Check-in failed", Reason(result));
        return false;
    }

    private async Task<BookingSnapshot?> OpenAsync(string title, LocationView venue, IReadOnlyList<ResourceView> resources, BookingDraft draft,
        Actor actor, ConflictDetails? conflict, SeriesConflict? seriesConflict = null)
    {
        var parameters = new Dictionary<string, object?>
        {
            [nameof(BookingDialog.Draft)] = draft,
            [nameof(BookingDialog.Venue)] = venue,
            [nameof(BookingDialog.Resources)] = resources,
            [nameof(BookingDialog.Actor)] = actor,
        };
        if (conflict is not null)
        {
            parameters[nameof(BookingDialog.Conflict)] = conflict;
        }

        if (seriesConflict is not null)
        {
            parameters[nameof(BookingDialog.SeriesConflict)] = seriesConflict;
        }

        return await dialogs.OpenAsync<BookingDialog>(title, parameters, BookingDialogOptions) as BookingSnapshot;
    }

    private async Task<(BookingSnapshot Booking, LocationView Venue, IReadOnlyList<ResourceView> Resources)?> LoadAsync(Guid bookingId)
    {
        var booking = await bookings.GetAsync(bookingId);
        var first = booking is { ResourceIds.Count: > 0 } ? await catalog.ResourceAsync(booking.ResourceIds[0]) : null;
        var venue = first is null ? null : (await catalog.LocationsAsync()).FirstOrDefault(l => l.Id == first.LocationId);
        if (booking is null || venue is null)
        {
            Notify(NotificationSeverity.Warning, "This booking no longer exists", null);
            return null;
        }

        var resources = await catalog.ResourcesAsync(new ResourceFilter(LocationId: venue.Id, IncludeInactive: true));
        return (booking, venue, resources);
    }

    private static BookingDraft DraftOf(BookingSnapshot booking, LocationView venue, SeriesView? series = null)
    {
        var draft = new BookingDraft
        {
            BookingId = booking.Id,
            Version = booking.Version,
            Title = booking.Title,
            Attendees = booking.AttendeeCount,
            ResourceIds = booking.ResourceIds,
            Series = series is null ? null : new BookingDraft.SeriesInfo(series.Id, series.Version, series.Summary),
            Original = new BookingDraft.Baseline(booking.Title, booking.AttendeeCount, booking.ResourceIds, new TimeRange(booking.Start, booking.End)),
        };
        draft.MoveTo(venue.ToLocation(), booking.Start, booking.End);
        return draft;
    }

    private static string Reason(BookingResult result) => result switch
    {
        BookingResult.Forbidden(var reason) => reason,
        BookingResult.Refused(var reason) => reason,
        BookingResult.NotFound => "The booking no longer exists.",
        BookingResult.Stale => "It changed meanwhile; look again.",
        BookingResult.Invalid(var errors) => string.Join(" ", errors.Values.SelectMany(m => m)),
        BookingResult.Conflict => "The slot is taken.",
        _ => "Please try again.",
    };

    private void Notify(NotificationSeverity severity, string summary, string? detail) =>
        notifications.Notify(new NotificationMessage { Severity = severity, Summary = summary, Detail = detail ?? string.Empty, Duration = 6000 });
}

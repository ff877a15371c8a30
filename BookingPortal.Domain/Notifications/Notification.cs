using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Locations;

namespace BookingPortal.Domain.Notifications;

public enum NotificationKind
{
    Promoted,
    Approved,
    Rejected,
    Cancelled,
    NoShow,
    Expired,
}

/// <summary>
/// Something a person should learn about one of their bookings: kept for the in-app list and, where mail is
/// configured, e-mailed once. Written in the transaction of the change it tells about.
/// </summary>
public sealed class Notification
{
    private Notification()
    {
        UserId = string.Empty;
        Email = string.Empty;
        Subject = string.Empty;
        Message = string.Empty;
    }

    private Notification(string userId, string email, NotificationKind kind, Guid bookingId, string subject, string message, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        Email = email;
        Kind = kind;
        BookingId = bookingId;
        Subject = subject;
        Message = message;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public string UserId { get; private set; }
    public string Email { get; private set; }
    public NotificationKind Kind { get; private set; }
    public Guid BookingId { get; private set; }
    public string Subject { get; private set; }
    public string Message { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ReadAt { get; private set; }
    public DateTimeOffset? EmailedAt { get; private set; }

    /// <summary>What the owner hears about a status change, if anything. Nobody is told what they did themselves.</summary>
    public static NotificationKind? KindOf(Booking booking, BookingStatusChanged change)
    {
        if (change.By.UserId == booking.OwnerId)
        {
            return null;
        }

        return (change.From, change.To) switch
        {
            (BookingStatus.Pending, BookingStatus.Confirmed or BookingStatus.AwaitingApproval) => NotificationKind.Promoted,
            (BookingStatus.AwaitingApproval, BookingStatus.Confirmed) => NotificationKind.Approved,
            (_, BookingStatus.Rejected) => NotificationKind.Rejected,
            (_, BookingStatus.Cancelled) => NotificationKind.Cancelled,
            (_, BookingStatus.NoShow) => NotificationKind.NoShow,
            (_, BookingStatus.Expired) => NotificationKind.Expired,
            _ => null,
        };
    }

    /// <summary>The owner's notification about a change, worded with the resources' names and the location's wall clock.</summary>
    public static Notification About(Booking booking, BookingStatusChanged change, NotificationKind kind, Location location,
        IReadOnlyList<string> resourceNames)
    {
        var what = $"\u201c{booking.Title}\u201d in {string.Join(", ", resourceNames)}, {booking.Range.Describe(location.TimeZoneId)},";
        var reason = string.IsNullOrWhiteSpace(change.Reason) ? "." : $": {change.Reason}";
        var (subject, message) = kind switch
        {
            NotificationKind.Promoted when change.To == BookingStatus.AwaitingApproval =>
                ("Your wait-list request got its slot", $"{what} got its slot and now awaits approval."),
            NotificationKind.Promoted => ("Your wait-list request is confirmed", $"{what} is confirmed: the slot became free and you were next in line."),
            NotificationKind.Approved => ("Booking approved", $"{what} was approved{reason}"),
            NotificationKind.Rejected => ("Booking rejected", $"{what} was rejected{reason}"),
            NotificationKind.Cancelled => ("Booking cancelled", $"{what} was cancelled by {change.By.Email}{reason}"),
            NotificationKind.NoShow => ("Booking released as a no-show", $"{what} was released because nobody checked in within the grace period."),
            _ when change.From == BookingStatus.AwaitingApproval =>
                ("Booking request expired", $"{what} expired: nobody approved it before it started, and the slot is free again."),
            _ => ("Wait-list request expired", $"{what} expired: the slot did not become free before it started."),
        };
        return new Notification(booking.OwnerId, booking.OwnerEmail, kind, booking.Id, subject, message, change.OccurredAt);
    }

    public void MarkRead(DateTimeOffset now) => ReadAt ??= now;

    /// <summary>Mail was handed to the server, or refused for good; either way it is not attempted again.</summary>
    public void MarkEmailed(DateTimeOffset now) => EmailedAt ??= now;
}

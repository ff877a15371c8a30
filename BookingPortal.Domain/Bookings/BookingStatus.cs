namespace BookingPortal.Domain.Bookings;

public enum BookingStatus
{
    Pending,
    AwaitingApproval,
    Confirmed,
    CheckedIn,
    Completed,
    Cancelled,
    NoShow,
    Rejected,
    Expired,
}

public static class BookingStatusRules
{
    private static readonly Dictionary<BookingStatus, BookingStatus[]> Allowed = new()
    {
        [BookingStatus.Pending] = [BookingStatus.Confirmed, BookingStatus.AwaitingApproval, BookingStatus.Cancelled, BookingStatus.Expired],
        [BookingStatus.AwaitingApproval] = [BookingStatus.Confirmed, BookingStatus.Rejected, BookingStatus.Cancelled, BookingStatus.Expired],
        [BookingStatus.Confirmed] = [BookingStatus.CheckedIn, BookingStatus.Cancelled, BookingStatus.NoShow, BookingStatus.Completed],
        [BookingStatus.CheckedIn] = [BookingStatus.Completed],
    };

    public static bool HoldsSlot(this BookingStatus status) => status is
        BookingStatus.AwaitingApproval or BookingStatus.Confirmed or BookingStatus.CheckedIn or BookingStatus.Completed;

    public static bool IsFinal(this BookingStatus status) => !Allowed.ContainsKey(status);

    public static bool CanBecome(this BookingStatus from, BookingStatus to) =>
        Allowed.TryGetValue(from, out var targets) && targets.Contains(to);

    public static IReadOnlyList<BookingStatus> AllowedTargets(this BookingStatus from) =>
        Allowed.TryGetValue(from, out var targets) ? targets : [];
}

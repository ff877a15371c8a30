using BookingPortal.Domain.Bookings;
using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace BookingPortal.Infrastructure.Calendars;

/// <summary>
/// The one place where bookings become iCalendar (RFC 5545) through Ical.Net: UIDs, SEQUENCE, local times with their
/// VTIMEZONE, and a series as one event with RRULE, EXDATE for occurrences that are gone and RECURRENCE-ID overrides
/// for occurrences that differ. Feeds and e-mailed invitations both come from here, so a calendar app that sees the
/// same booking by both routes recognises it as one entry (ADR 012).
/// </summary>
public static class BookingCalendar
{
    public const string ProductId = "-//BookingPortal//Bookings//EN";

    private const string UidSuffix = "@bookingportal";

    /// <summary>A series' occurrences are bounded by the product's own limit; this only keeps a broken rule from running on.</summary>
    private const int MaxGeneratedOccurrences = Recurrence.MaxOccurrences * 2;

    /// <summary>The UID of a booking's event, or of a series' repeating event when the id is a series id.</summary>
    public static string UidOf(Guid id) => id.ToString("D") + UidSuffix;

    /// <summary>
    /// A subscription feed's text: every entry the reader may see, series folded into repeating events. Ical.Net
    /// serialises each event (a series with its overrides is one) on its own, and <paramref name="part"/> may keep those
    /// texts by a key naming everything they are made from: in a feed of thousands where one booking changed, one event
    /// is built again. The calendar around them (name, VTIMEZONE) is serialised by Ical.Net as well.
    /// </summary>
    public static string FeedText(string name, IReadOnlyCollection<BookingEntry> bookings, IReadOnlyCollection<BlockEntry> blocks,
        IReadOnlyDictionary<Guid, SeriesEntry> series, Func<Guid, Uri>? bookingPage, Func<string, Func<string>, string> part)
    {
        var frame = NewCalendar(CalendarMethods.Publish);
        frame.AddProperty("X-WR-CALNAME", name);
        AddTimeZones(frame, bookings.Select(b => (b.TimeZoneId, b.Start)).Concat(blocks.Select(b => (b.TimeZoneId, b.Start))));
        var outer = Serialize(frame);
        var end = outer.LastIndexOf("END:VCALENDAR", StringComparison.Ordinal);
        var text = new StringBuilder(outer, 0, end, outer.Length + (bookings.Count + blocks.Count) * 640);
        var style = new Style(bookingPage, Invitation: null);
        var links = bookingPage?.Invoke(Guid.Empty).ToString();
        foreach (var members in bookings.Where(b => b.SeriesId is { } id && series.ContainsKey(id)).GroupBy(b => b.SeriesId!.Value))
        {
            var entry = series[members.Key];
            var ordered = members.OrderBy(m => m.BookingId).ToList();
            var rule = entry.Series;
            text.Append(part(
                $"series {links} {rule.Id} {rule.TimeZoneId} {rule.FirstStart:O} {rule.Rule} {rule.CreatedAt:O} {entry.Sequence} {entry.ChangedAt:O} {string.Join(' ', ordered)}",
                () => EventsOf(calendar => AddSeries(calendar, entry, ordered, style))));
        }

        foreach (var single in bookings.Where(b => b.SeriesId is not { } id || !series.ContainsKey(id)))
        {
            text.Append(part($"booking {links} {single}", () => EventsOf(calendar => calendar.Events.Add(Single(single, style)))));
        }

        foreach (var block in blocks)
        {
            text.Append(part($"block {block}", () => EventsOf(calendar => calendar.Events.Add(Block(block)))));
        }

        return text.Append(outer, end, outer.Length - end).ToString();
    }

    /// <summary>The VEVENT lines Ical.Net writes for what <paramref name="fill"/> adds to an otherwise empty calendar.</summary>
    private static string EventsOf(Action<Calendar> fill)
    {
        var calendar = new Calendar();
        fill(calendar);
        var text = Serialize(calendar);
        var from = text.IndexOf("BEGIN:VEVENT", StringComparison.Ordinal);
        return text[from..text.LastIndexOf("END:VCALENDAR", StringComparison.Ordinal)];
    }

    /// <summary>
    /// An iTIP message (RFC 5546) for a booking or, with <paramref name="series"/>, for a whole series: <c>REQUEST</c>
    /// adds or updates the entry in the recipient's calendar, <c>CANCEL</c> removes it. The product is the organiser and
    /// the owner the one attendee, so mail clients offer "add to calendar" and later messages update the same entry.
    /// </summary>
    public static Calendar Invitation(bool cancel, IReadOnlyCollection<BookingEntry> bookings, SeriesEntry? series, string organizerEmail,
        Func<Guid, Uri>? bookingPage)
    {
        var calendar = NewCalendar(cancel ? CalendarMethods.Cancel : CalendarMethods.Request);
        var style = new Style(bookingPage, organizerEmail);
        if (series is not null)
        {
            AddSeries(calendar, series, bookings, style);
        }
        else
        {
            foreach (var booking in bookings)
            {
                calendar.Events.Add(Single(booking, style));
            }
        }

        if (cancel)
        {
            foreach (var e in calendar.Events)
            {
                e.Status = EventStatus.Cancelled;
            }
        }

        AddTimeZones(calendar, bookings.Select(b => (b.TimeZoneId, b.Start)));
        return calendar;
    }

    public static string Serialize(Calendar calendar) =>
        new CalendarSerializer().SerializeToString(calendar) ?? throw new InvalidOperationException("Ical.Net wrote no calendar.");

    /// <summary>How an event is addressed: a feed names the owner as organiser; an invitation comes from the product.</summary>
    private sealed record Style(Func<Guid, Uri>? BookingPage, string? Invitation);

    private static Calendar NewCalendar(string method)
    {
        var calendar = new Calendar { ProductId = ProductId, Method = method };
        return calendar;
    }

    private static void AddSeries(Calendar calendar, SeriesEntry entry, IReadOnlyCollection<BookingEntry> members, Style style)
    {
        var series = entry.Series;
        var live = members.Where(m => !IsGone(m.Status)).ToList();
        // The master carries what most occurrences share, so the fewest occurrences need an override.
        var template = (live.Count > 0 ? live : members)
            .GroupBy(m => (m.Title, m.Place, Duration: m.End - m.Start, Status: StatusOf(m.Status), m.Private, m.OwnerEmail))
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Min(m => m.OccurrenceStart ?? m.Start))
            .First().First();
        var duration = template.End - template.Start;
        var master = NewEvent(series.Id, template, series.FirstStart, series.FirstStart + duration, series.TimeZoneId, entry.Sequence,
            entry.ChangedAt, series.CreatedAt, style);
        master.RecurrenceRule = RuleOf(series);
        calendar.Events.Add(master);
        if (live.Count == 0)
        {
            master.Status = EventStatus.Cancelled;
            return;
        }

        var planned = master.GetOccurrences()
            .Take(MaxGeneratedOccurrences)
            .Select(o => new DateTimeOffset(o.Period.StartTime.AsUtc, TimeSpan.Zero))
            .ToList();
        var byOccurrence = members.Where(m => m.OccurrenceStart is not null).ToDictionary(m => m.OccurrenceStart!.Value);
        foreach (var start in planned)
        {
            if (!byOccurrence.TryGetValue(start, out var member) || IsGone(member.Status))
            {
                master.ExceptionDates.Add(Local(start, series.TimeZoneId));
            }
            else if (Differs(member, template, start, duration))
            {
                calendar.Events.Add(Override(series, member, start, entry, style));
            }
        }

        // A member the rule does not produce (none today; a series edited occurrence by occurrence could make them) is
        // added as an extra date of its own, so no booking is ever missing from the calendar.
        foreach (var extra in live.Where(m => m.OccurrenceStart is { } at && !planned.Contains(at)))
        {
            master.RecurrenceDates.Add(Local(extra.OccurrenceStart!.Value, series.TimeZoneId));
            calendar.Events.Add(Override(series, extra, extra.OccurrenceStart!.Value, entry, style));
        }
    }

    private static CalendarEvent Override(BookingSeries series, BookingEntry member, DateTimeOffset occurrence, SeriesEntry entry, Style style)
    {
        var e = NewEvent(series.Id, member, member.Start, member.End, member.TimeZoneId, entry.Sequence, member.ChangedAt, member.CreatedAt, style);
        e.RecurrenceIdentifier = new RecurrenceIdentifier(Local(occurrence, series.TimeZoneId));
        return e;
    }

    private static bool Differs(BookingEntry member, BookingEntry template, DateTimeOffset occurrence, TimeSpan duration) =>
        member.Start != occurrence || member.End - member.Start != duration || member.Title != template.Title || member.Place != template.Place
        || StatusOf(member.Status) != StatusOf(template.Status) || member.Private != template.Private || member.OwnerEmail != template.OwnerEmail
        || member.Status == BookingStatus.Pending != (template.Status == BookingStatus.Pending);

    private static CalendarEvent Single(BookingEntry booking, Style style) =>
        NewEvent(booking.BookingId, booking, booking.Start, booking.End, booking.TimeZoneId, Math.Max(0, booking.Revision - 1), booking.ChangedAt,
            booking.CreatedAt, style);

    private static CalendarEvent NewEvent(Guid uid, BookingEntry booking, DateTimeOffset start, DateTimeOffset end, string timeZoneId, int sequence,
        DateTimeOffset changedAt, DateTimeOffset createdAt, Style style)
    {
        var e = new CalendarEvent
        {
            Uid = UidOf(uid),
            Summary = booking.Status == BookingStatus.Pending ? $"Waiting list: {booking.Title}" : booking.Title,
            DtStart = Local(start, timeZoneId),
            DtEnd = Local(end, timeZoneId),
            Sequence = sequence,
            // A published calendar's DTSTAMP is the entry's last change (RFC 5545 3.8.7.2), which also keeps a feed's
            // bytes, and so its ETag, the same until something changes.
            DtStamp = Utc(changedAt),
            LastModified = Utc(changedAt),
            Created = Utc(createdAt),
            Status = StatusOf(booking.Status),
            Location = booking.Place,
            Description = DescriptionOf(booking),
        };
        // OPAQUE is the default (RFC 5545 3.8.2.7); every property costs Ical.Net time, and feeds hold thousands.
        if (!booking.Status.HoldsSlot())
        {
            e.Transparency = TransparencyType.Transparent;
        }

        if (!booking.Private && booking.OwnerEmail is { } owner)
        {
            e.Organizer = new Organizer(MailTo(style.Invitation ?? owner));
            e.Attendees.Add(new Attendee(MailTo(owner))
            {
                Role = style.Invitation is null ? ParticipationRole.Chair : ParticipationRole.RequiredParticipant,
                ParticipationStatus = booking.Status is BookingStatus.Pending or BookingStatus.AwaitingApproval
                    ? EventParticipationStatus.Tentative
                    : EventParticipationStatus.Accepted,
                Rsvp = false,
            });
            if (style.BookingPage is { } page)
            {
                e.Url = page(booking.BookingId);
            }
        }

        return e;
    }

    private static CalendarEvent Block(BlockEntry block) => new()
    {
        Uid = UidOf(block.BlockId),
        Summary = block.Summary,
        DtStart = Local(block.Start, block.TimeZoneId),
        DtEnd = Local(block.End, block.TimeZoneId),
        Sequence = 0,
        DtStamp = Utc(block.CreatedAt),
        LastModified = Utc(block.CreatedAt),
        Created = Utc(block.CreatedAt),
        Status = EventStatus.Confirmed,
        Location = block.Place,
        Categories = ["Maintenance"],
    };

    private static RecurrenceRule RuleOf(BookingSeries series)
    {
        var rule = series.Rule;
        var frequency = rule.Frequency switch
        {
            RecurrenceFrequency.Daily => FrequencyType.Daily,
            RecurrenceFrequency.Weekly => FrequencyType.Weekly,
            _ => FrequencyType.Monthly,
        };
        var result = new RecurrenceRule(frequency, rule.Interval);
        if (rule.Frequency == RecurrenceFrequency.Weekly && rule.DaysOfWeek.Count > 0)
        {
            result.ByDay = rule.DaysOfWeek.Select(d => new WeekDay(d)).ToList();
        }

        if (rule.Count is { } count)
        {
            result.Count = count;
        }
        else if (rule.Until is { } until)
        {
            // With a zoned DTSTART, UNTIL must be UTC (RFC 5545 3.3.10): the last instant of that local day.
            var zone = TimeZoneInfo.FindSystemTimeZoneById(series.TimeZoneId);
            var nextDay = until.AddDays(1).ToDateTime(TimeOnly.MinValue);
            var lastInstant = new DateTimeOffset(nextDay, zone.GetUtcOffset(nextDay)).AddSeconds(-1);
            result.Until = Utc(lastInstant);
        }

        return result;
    }

    private static void AddTimeZones(Calendar calendar, IEnumerable<(string TimeZoneId, DateTimeOffset Start)> times)
    {
        foreach (var zone in times.GroupBy(t => t.TimeZoneId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // Rules from the year of the earliest entry on: enough for every local time in the calendar, and stable
            // between requests so the feed's ETag only moves when an entry does.
            // Ical.Net reads the zone's transitions up to its own wall clock (DateTimeOffset.Now, not ours) and throws when
            // asked to start more than a year after it, so entries years ahead start the rules at this year's; the
            // yearly rules it writes describe those later years just the same.
            var year = Math.Min(zone.Min(t => t.Start).Year, DateTime.UtcNow.Year);
            calendar.AddTimeZone(VTimeZone.FromDateTimeZone(zone.Key, new DateTime(year, 1, 1), includeHistoricalData: false));
        }
    }

    private static string DescriptionOf(BookingEntry booking) =>
        booking.Private ? $"{booking.Place}: booked." : $"{booking.Place}. {StatusText(booking.Status)}";

    /// <summary>What a status means to the booking's owner, as one sentence.</summary>
    internal static string StatusText(BookingStatus status) => status switch
    {
        BookingStatus.Pending => "On the waiting list: you get the slot if it becomes free.",
        BookingStatus.AwaitingApproval => "Awaiting approval.",
        BookingStatus.Confirmed => "Confirmed.",
        BookingStatus.CheckedIn => "Checked in.",
        BookingStatus.Completed => "Completed.",
        BookingStatus.Cancelled => "Cancelled.",
        BookingStatus.NoShow => "Released: nobody checked in.",
        BookingStatus.Rejected => "Rejected.",
        _ => "Expired: the slot did not become free in time.",
    };

    /// <summary>Statuses that no longer take place: shown as cancelled, and removed from a series as EXDATE.</summary>
    internal static bool IsGone(BookingStatus status) =>
        status is BookingStatus.Cancelled or BookingStatus.NoShow or BookingStatus.Rejected or BookingStatus.Expired;

    private static string StatusOf(BookingStatus status) => status switch
    {
        BookingStatus.Pending or BookingStatus.AwaitingApproval => EventStatus.Tentative,
        _ when IsGone(status) => EventStatus.Cancelled,
        _ => EventStatus.Confirmed,
    };

    private static CalDateTime Local(DateTimeOffset instant, string timeZoneId) =>
        new(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(instant, timeZoneId).DateTime, timeZoneId);

    private static CalDateTime Utc(DateTimeOffset instant) => new(instant.UtcDateTime, CalDateTime.UtcTzId);

    private static string MailTo(string email) => "mailto:" + email;
}

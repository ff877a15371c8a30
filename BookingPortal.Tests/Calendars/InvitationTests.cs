using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Calendars.Feeds;
using BookingPortal.Infrastructure.Calendars.Invitations;
using BookingPortal.Infrastructure.Notifications;
using BookingPortal.Tests.Scheduling;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BookingPortal.Tests.Calendars;

/// <summary>
/// The calendar invitations mailed with bookings, received by a real SMTP server on loopback and read as a mail client
/// reads them: the text/calendar alternative parsed with Ical.Net, compared with what the feeds publish.
/// </summary>
public class InvitationTests : SweepTestBase
{
    private const string Berlin = "Europe/Berlin";
    private const string Organizer = "rooms@example.test";

    private sealed record Invitation(MimeMessage Message, string Method, Calendar Calendar)
    {
        public CalendarEvent Event => Assert.Single(Calendar.Events);
        public CalendarEvent Master => Assert.Single(Calendar.Events, e => e.RecurrenceIdentifier is null);
    }

    [Fact]
    public async Task A_confirmed_booking_mails_a_request_with_the_feed_uid_and_sequence()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var slot = venue.At(Monday, "10:00", "11:00");
        var booking = Booked(await Engine.CreateAsync(Request(slot, venue["Aurora"].Id), TestData.Alice));
        await using var sink = new SmtpSink();

        Assert.Equal(1, await Outbox(sink).SendPendingAsync(default));
        Assert.Equal(0, await Outbox(sink).SendPendingAsync(default));

        var invitation = Read(Assert.Single(sink.Received));
        var e = invitation.Event;
        var published = FeedReader.Single(await MyFeedAsync(TestData.Alice), booking.Id);
        Assert.Equal("REQUEST", invitation.Method);
        Assert.Equal(["alice@example.test"], invitation.Message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("Booking confirmed: Planning", invitation.Message.Subject);
        Assert.Contains("Aurora", invitation.Message.TextBody);
        Assert.Contains("Mon 1 Mar 2027 10:00\u201311:00 (Europe/Berlin)", invitation.Message.TextBody);
        Assert.Equal($"{booking.Id}@bookingportal", e.Uid);
        Assert.Equal(published.Uid, e.Uid);
        Assert.Equal(published.Sequence, e.Sequence);
        Assert.Equal(0, e.Sequence);
        Assert.Equal(new Uri("mailto:" + Organizer), e.Organizer!.Value);
        Assert.Equal(new Uri("mailto:alice@example.test"), Assert.Single(e.Attendees).Value);
        Assert.Equal("CONFIRMED", e.Status);
        Assert.Equal((Berlin, new DateTime(2027, 3, 1, 10, 0, 0)), (e.DtStart!.TzId, e.DtStart.Value));
        Assert.Equal(slot.End.UtcDateTime, e.DtEnd!.AsUtc);
        var rows = await InvitationRowsAsync();
        Assert.Equal([string.Join(",", rows.Select(r => r.Id))], sink.HeaderValues(InvitationOutbox.InvitationHeader));
        Assert.All(rows, r => Assert.NotNull(r.SentAt));
    }

    [Fact]
    public async Task Each_change_mails_the_same_uid_with_a_growing_sequence_and_the_owners_own_cancel_comes_last()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        await using var sink = new SmtpSink();
        var outbox = Outbox(sink);
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        await outbox.SendPendingAsync(default);
        var later = venue.At(Monday, "14:00", "15:00");
        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, later.Start, later.End), TestData.Alice));
        await outbox.SendPendingAsync(default);
        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, Title: "Retro"), TestData.Alice));
        await outbox.SendPendingAsync(default);
        Booked(await Engine.CancelAsync(booking.Id, TestData.Alice, "not needed"));
        await outbox.SendPendingAsync(default);

        var invitations = sink.Received.Select(Read).ToList();
        var events = invitations.Select(i => i.Event).ToList();
        Assert.Equal(["REQUEST", "REQUEST", "REQUEST", "CANCEL"], invitations.Select(i => i.Method));
        Assert.All(events, e => Assert.Equal($"{booking.Id}@bookingportal", e.Uid));
        Assert.Equal([0, 1, 2, 3], events.Select(e => e.Sequence));
        Assert.Equal(new DateTime(2027, 3, 1, 14, 0, 0), events[1].DtStart!.Value);
        Assert.Equal(["Planning", "Planning", "Retro", "Retro"], events.Select(e => e.Summary));
        Assert.Equal("CANCELLED", events[3].Status);
        Assert.Equal(["Booking confirmed: Planning", "Booking updated: Planning", "Booking updated: Retro", "Booking cancelled: Retro"],
            invitations.Select(i => i.Message.Subject));
        Assert.Equal(FeedReader.Single(await MyFeedAsync(TestData.Alice), booking.Id).Sequence, events[3].Sequence);
        // The bell still tells nobody what they did themselves.
        Assert.Empty(await KindsForAsync(TestData.Alice.UserId));
    }

    [Fact]
    public async Task Changes_made_between_two_runs_go_out_as_one_message_with_the_latest_state()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        var later = venue.At(Monday, "12:00", "13:00");
        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, later.Start, later.End), TestData.Alice));
        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, Title: "Retro"), TestData.Alice));
        await using var sink = new SmtpSink();

        Assert.Equal(1, await Outbox(sink).SendPendingAsync(default));

        var e = Read(Assert.Single(sink.Received)).Event;
        Assert.Equal(("Retro", 2), (e.Summary, e.Sequence));
        Assert.Equal(later.Start.UtcDateTime, e.DtStart!.AsUtc);
        Assert.Equal(3, (await InvitationRowsAsync()).Count(r => r.SentAt is not null));
    }

    [Fact]
    public async Task A_new_attendee_count_mails_nothing_as_the_calendar_entry_does_not_show_it()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        await using var sink = new SmtpSink();
        var outbox = Outbox(sink);
        await outbox.SendPendingAsync(default);

        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, AttendeeCount: 4), TestData.Alice));

        Assert.Equal(0, await outbox.SendPendingAsync(default));
        Assert.Single(sink.Messages);
        Assert.Single(await InvitationRowsAsync());
    }

    [Fact]
    public async Task A_booking_withdrawn_before_its_first_invitation_went_out_mails_nothing()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        Booked(await Engine.CancelAsync(booking.Id, TestData.Alice, null));
        await using var sink = new SmtpSink();

        Assert.Equal(1, await Outbox(sink).SendPendingAsync(default));

        Assert.Empty(sink.Messages);
        Assert.All(await InvitationRowsAsync(), r => Assert.NotNull(r.SentAt));
    }

    [Fact]
    public async Task A_series_gets_one_request_with_its_rule_and_after_a_cancelled_occurrence_one_with_an_exdate()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = await WeeklySeriesAsync(venue, count: 4);
        await using var sink = new SmtpSink();
        var outbox = Outbox(sink);

        Assert.Equal(1, await outbox.SendPendingAsync(default));
        var created = Read(Assert.Single(sink.Received));
        Booked(await Engine.CancelAsync(series.Bookings[1].Id, TestData.Alice, "holiday"));
        Assert.Equal(1, await outbox.SendPendingAsync(default));

        var updated = Read(sink.Received[1]);
        Assert.Equal(2, sink.Messages.Count);
        Assert.Equal(("REQUEST", "REQUEST"), (created.Method, updated.Method));
        var first = created.Event;
        Assert.Equal($"{series.SeriesId}@bookingportal", first.Uid);
        Assert.Equal((FrequencyType.Weekly, 4), (first.RecurrenceRule!.Frequency, first.RecurrenceRule.Count));
        Assert.Empty(first.ExceptionDates.GetAllDates());
        Assert.Equal(0, first.Sequence);
        Assert.Equal("Series confirmed: Planning", created.Message.Subject);
        var master = updated.Event;
        Assert.Equal(first.Uid, master.Uid);
        var excluded = Assert.Single(master.ExceptionDates.GetAllDates());
        Assert.Equal((Berlin, new DateTime(2027, 3, 8, 10, 0, 0)), (excluded.TzId, excluded.Value));
        Assert.Equal(1, master.Sequence);
        Assert.Equal(Assert.Single(FeedReader.EventsOf(await MyFeedAsync(TestData.Alice), series.SeriesId)).Sequence, master.Sequence);
    }

    [Fact]
    public async Task A_moved_occurrence_goes_out_with_the_series_as_an_override_of_its_recurrence_id()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = await WeeklySeriesAsync(venue, count: 3);
        var moved = venue.At(Monday.AddDays(14), "15:00", "16:00");
        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(series.Bookings[2].Id, moved.Start, moved.End, Title: "Planning, later"),
            TestData.Alice));
        await using var sink = new SmtpSink();

        Assert.Equal(1, await Outbox(sink).SendPendingAsync(default));

        var invitation = Read(Assert.Single(sink.Received));
        var changed = Assert.Single(invitation.Calendar.Events, e => e.RecurrenceIdentifier is not null);
        Assert.Equal("REQUEST", invitation.Method);
        Assert.Equal(3, invitation.Master.RecurrenceRule!.Count);
        Assert.Equal(invitation.Master.Uid, changed.Uid);
        Assert.Equal(new DateTime(2027, 3, 15, 10, 0, 0), changed.RecurrenceIdentifier!.StartTime.Value);
        Assert.Equal(new DateTime(2027, 3, 15, 15, 0, 0), changed.DtStart!.Value);
        Assert.Equal("Planning, later", changed.Summary);
        Assert.Equal(2, changed.Sequence);
    }

    [Fact]
    public async Task Cancelling_every_occurrence_of_a_series_mails_one_cancel_of_the_series_uid()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var series = await WeeklySeriesAsync(venue, count: 3);
        await using var sink = new SmtpSink();
        var outbox = Outbox(sink);
        await outbox.SendPendingAsync(default);

        Assert.IsType<SeriesResult.Success>(await Engine.CancelSeriesAsync(series.Bookings[0].Id, TestData.Alice, null, onlyFollowing: false));
        Assert.Equal(1, await outbox.SendPendingAsync(default));

        Assert.Equal(2, sink.Messages.Count);
        var cancel = Read(sink.Received[1]);
        Assert.Equal("CANCEL", cancel.Method);
        Assert.Equal($"{series.SeriesId}@bookingportal", cancel.Master.Uid);
        Assert.All(cancel.Calendar.Events, e => Assert.Equal("CANCELLED", e.Status));
        Assert.Equal(3, cancel.Master.Sequence);
        Assert.Equal("Series cancelled: Planning", cancel.Message.Subject);
    }

    [Fact]
    public async Task Approval_follows_the_tentative_request_with_a_confirmed_one_and_a_rejection_cancels_it()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Board").WithRules(r => r with { RequiresApproval = true }));
        await using var sink = new SmtpSink();
        var outbox = Outbox(sink);
        var approved = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Board"].Id), TestData.Alice));
        var rejected = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "14:00", "15:00"), venue["Board"].Id), TestData.Alice));
        await outbox.SendPendingAsync(default);
        Booked(await Engine.ApproveAsync(approved.Id, TestData.Admin));
        Booked(await Engine.RejectAsync(rejected.Id, TestData.Admin, "board meeting"));
        await outbox.SendPendingAsync(default);

        var about = sink.Received.Select(Read).ToLookup(i => i.Event.Uid);
        var forApproved = about[$"{approved.Id}@bookingportal"].ToList();
        var forRejected = about[$"{rejected.Id}@bookingportal"].ToList();
        Assert.Equal([("REQUEST", "TENTATIVE", 0), ("REQUEST", "CONFIRMED", 1)], forApproved.Select(Summary));
        Assert.Equal([("REQUEST", "TENTATIVE", 0), ("CANCEL", "CANCELLED", 1)], forRejected.Select(Summary));
        Assert.Equal("Booking awaiting approval: Planning", forApproved[0].Message.Subject);
        Assert.Equal("Booking rejected: Planning", forRejected[1].Message.Subject);
    }

    [Fact]
    public async Task A_waiting_list_request_mails_nothing_until_its_promotion_mails_a_request()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var slot = venue.At(Monday, "10:00", "11:00");
        var held = Booked(await Engine.CreateAsync(Request(slot, venue["Aurora"].Id), TestData.Alice));
        var waiting = Queued(await Engine.CreateAsync(Request(slot, venue["Aurora"].Id) with { JoinWaitlist = true }, TestData.Bob));
        await using var sink = new SmtpSink();
        var outbox = Outbox(sink);
        await outbox.SendPendingAsync(default);
        var beforePromotion = MailsTo(sink, TestData.Bob);

        Booked(await Engine.CancelAsync(held.Id, TestData.Alice, null));
        await outbox.SendPendingAsync(default);

        Assert.Empty(beforePromotion);
        var promoted = Read(Assert.Single(MailsTo(sink, TestData.Bob)));
        Assert.Equal("REQUEST", promoted.Method);
        Assert.Equal($"{waiting.Id}@bookingportal", promoted.Event.Uid);
        Assert.Equal("CONFIRMED", promoted.Event.Status);
        Assert.Equal(FeedReader.Single(await MyFeedAsync(TestData.Bob), waiting.Id).Sequence, promoted.Event.Sequence);
        Assert.Equal(["REQUEST", "CANCEL"], MailsTo(sink, TestData.Alice).Select(m => Read(m).Method));
    }

    [Fact]
    public async Task An_expired_waiting_list_request_mails_nothing()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var slot = venue.At(Monday, "10:00", "11:00");
        Booked(await Engine.CreateAsync(Request(slot, venue["Aurora"].Id), TestData.Alice));
        var waiting = Queued(await Engine.CreateAsync(Request(slot, venue["Aurora"].Id) with { JoinWaitlist = true }, TestData.Bob));
        Harness.Clock.Set(slot.Start);
        Assert.Equal(1, await Sweeps.ExpireStaleRequestsAsync(default));
        await using var sink = new SmtpSink();

        await Outbox(sink).SendPendingAsync(default);

        Assert.Equal(BookingStatus.Expired, (await Harness.LoadAsync(waiting.Id)).Status);
        Assert.Empty(MailsTo(sink, TestData.Bob));
        Assert.Single(MailsTo(sink, TestData.Alice));
        Assert.DoesNotContain(await InvitationRowsAsync(), r => r.BookingId == waiting.Id);
    }

    [Fact]
    public async Task An_address_that_can_never_take_mail_is_marked_and_the_queue_goes_on()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Bob));
        Harness.Clock.Advance(TimeSpan.FromMinutes(1));
        Booked(await Engine.CreateAsync(Request(venue.At(Monday, "12:00", "13:00"), venue["Aurora"].Id), TestData.Alice));
        await using var sink = new SmtpSink(TestData.Bob.Email);

        Assert.Equal(2, await Outbox(sink).SendPendingAsync(default));

        // Bob's came first and was refused; the same conversation still delivers Alice's.
        Assert.Empty(MailsTo(sink, TestData.Bob));
        Assert.Single(MailsTo(sink, TestData.Alice));
        Assert.All(await InvitationRowsAsync(), r => Assert.NotNull(r.SentAt));
    }

    private InvitationOutbox Outbox(SmtpSink sink) =>
        new(Harness.Contexts, Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = sink.Port, From = $"Rooms <{Organizer}>" }), Harness.Clock,
            NullLogger<InvitationOutbox>.Instance);

    private async Task<SeriesSnapshot> WeeklySeriesAsync(Venue venue, int count)
    {
        var rule = Recurrence.Create(RecurrenceFrequency.Weekly, 1, count: count).Rule!;
        var result = await Engine.CreateSeriesAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), rule, TestData.Alice);
        return Assert.IsType<SeriesResult.Success>(result).Series;
    }

    /// <summary>The invitation in a message: a text body and a text/calendar alternative whose method matches the calendar's.</summary>
    private static Invitation Read(MimeMessage message)
    {
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(2, alternative.Count);
        Assert.Contains(alternative, p => p.ContentType.IsMimeType("text", "plain"));
        var part = Assert.IsType<TextPart>(Assert.Single(alternative, p => p.ContentType.IsMimeType("text", "calendar")));
        Assert.Equal("utf-8", part.ContentType.Charset);
        var calendar = Calendar.Load(part.Text) ?? throw new InvalidOperationException("Not a calendar: " + part.Text);
        Assert.Equal(part.ContentType.Parameters["method"], calendar.Method);
        Assert.Contains(calendar.TimeZones, z => z.TzId == Berlin);
        return new Invitation(message, calendar.Method!, calendar);
    }

    private static (string Method, string? Status, int Sequence) Summary(Invitation invitation) =>
        (invitation.Method, invitation.Event.Status, invitation.Event.Sequence);

    private static List<MimeMessage> MailsTo(SmtpSink sink, Actor person) =>
        sink.Received.Where(m => m.To.Mailboxes.Any(a => a.Address == person.Email)).ToList();

    private async Task<Calendar> MyFeedAsync(Actor reader)
    {
        var window = FeedWindow.Around(Harness.Clock.GetUtcNow());
        var feed = Assert.IsType<FeedResult.Ok>(await new CalendarFeeds(Harness.Contexts).MineAsync(reader, window, null));
        return Calendar.Load(feed.Text)!;
    }

    private async Task<List<CalendarInvitation>> InvitationRowsAsync()
    {
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        return await db.Set<CalendarInvitation>().AsNoTracking().OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).ToListAsync();
    }
}

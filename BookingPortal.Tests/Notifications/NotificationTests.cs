using System.Text.Json;
using BookingPortal.Domain.Notifications;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Notifications;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Tests.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingPortal.Tests.Notifications;

public class NotificationTests : SweepTestBase
{
    [Fact]
    public async Task Owners_are_told_what_others_did_to_their_bookings_and_not_what_they_did_themselves()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Aurora");
            v.Room("Board").WithRules(r => r with { RequiresApproval = true });
        });
        var slot = venue.At(Monday, "10:00", "11:00");
        var ownCancel = Booked(await Engine.CreateAsync(Request(slot, venue["Aurora"].Id), TestData.Alice));
        Booked(await Engine.CancelAsync(ownCancel.Id, TestData.Alice, "not needed"));
        var cancelled = Booked(await Engine.CreateAsync(Request(slot, venue["Aurora"].Id), TestData.Alice));
        Booked(await Engine.CancelAsync(cancelled.Id, TestData.OperatorAt(venue.Location), "visitors from the board"));
        var approved = Booked(await Engine.CreateAsync(Request(slot, venue["Board"].Id), TestData.Alice));
        Booked(await Engine.ApproveAsync(approved.Id, TestData.Admin));

        var notifications = await NotificationsOfAsync(TestData.Alice.UserId);

        Assert.Equal([NotificationKind.Cancelled, NotificationKind.Approved], notifications.Select(n => n.Kind));
        Assert.All(notifications, n => Assert.Equal(TestData.Alice.Email, n.Email));
        Assert.Equal(cancelled.Id, notifications[0].BookingId);
        Assert.Equal("\u201cPlanning\u201d in Aurora, Mon 1 Mar 2027 10:00\u201311:00 (Europe/Berlin), was cancelled by olga@example.test: visitors from the board",
            notifications[0].Message);
        Assert.Equal("Booking approved", notifications[1].Subject);
    }

    [Fact]
    public async Task A_change_whose_transaction_fails_leaves_no_notification()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        var loaded = await db.Bookings.Include(b => b.Allocations).SingleAsync(b => b.Id == booking.Id);
        loaded.Cancel(TestData.Operator, Harness.Clock.GetUtcNow(), "double-booked by mistake");
        Booked(await Engine.ChangeAsync(new ChangeBookingCommand(booking.Id, Title: "Retro"), TestData.Alice));

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => SlotLocks.SaveAsync(db, loaded.ResourceIds, default));

        Assert.Empty(await NotificationsOfAsync(TestData.Alice.UserId));
    }

    [Fact]
    public async Task Each_new_notification_is_announced_on_the_change_channel_when_its_transaction_commits()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        await using var listener = new NpgsqlConnection(Harness.ConnectionString);
        await listener.OpenAsync();
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The booking's own change is announced on the same channel.
        listener.Notification += (_, e) =>
        {
            if (e.Payload.Contains("\"notification.created\"", StringComparison.Ordinal))
            {
                announced.TrySetResult(e.Payload);
            }
        };
        await using (var listen = new NpgsqlCommand("LISTEN booking_portal_changes", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        Booked(await Engine.CancelAsync(booking.Id, TestData.OperatorAt(venue.Location), null));
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (!announced.Task.IsCompleted)
            {
                await listener.WaitAsync(timeout.Token);
            }
        }

        var payload = JsonDocument.Parse(await announced.Task).RootElement;

        var notification = Assert.Single(await NotificationsOfAsync(TestData.Alice.UserId));
        Assert.Equal("notification.created", payload.GetProperty("type").GetString());
        Assert.Equal(notification.Id, payload.GetProperty("id").GetGuid());
        Assert.Equal(TestData.Alice.UserId, payload.GetProperty("userId").GetString());
        Assert.Equal(0, payload.GetProperty("locationIds").GetArrayLength());
        Assert.Equal(0, payload.GetProperty("resourceIds").GetArrayLength());
    }

    [Fact]
    public async Task The_outbox_mails_each_notification_once_to_its_owner()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        Booked(await Engine.CancelAsync(booking.Id, TestData.OperatorAt(venue.Location), "fire drill"));
        await using var sink = new SmtpSink();
        var outbox = Outbox(new SmtpOptions { Host = "127.0.0.1", Port = sink.Port, From = "Rooms <rooms@example.test>" });

        Assert.Equal(1, await outbox.SendPendingAsync(default));
        Assert.Equal(0, await outbox.SendPendingAsync(default));

        var message = Assert.Single(sink.Messages);
        var notification = Assert.Single(await NotificationsOfAsync(TestData.Alice.UserId));
        Assert.Contains("alice@example.test", Assert.Single(sink.HeaderValues("To")));
        Assert.Contains("<rooms@example.test>", Assert.Single(sink.HeaderValues("From")));
        Assert.Equal(["Booking cancelled"], sink.HeaderValues("Subject"));
        Assert.Equal(notification.Message, SmtpSink.Body(message));
        Assert.Equal([notification.Id.ToString()], sink.HeaderValues(EmailOutbox.NotificationHeader));
        Assert.NotNull(notification.EmailedAt);
    }

    [Fact]
    public async Task Without_an_smtp_host_nothing_is_mailed_or_marked()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var booking = Booked(await Engine.CreateAsync(Request(venue.At(Monday, "10:00", "11:00"), venue["Aurora"].Id), TestData.Alice));
        Booked(await Engine.CancelAsync(booking.Id, TestData.OperatorAt(venue.Location), null));

        Assert.Equal(0, await Outbox(new SmtpOptions()).SendPendingAsync(default));

        Assert.Null(Assert.Single(await NotificationsOfAsync(TestData.Alice.UserId)).EmailedAt);
    }

    private EmailOutbox Outbox(SmtpOptions options) =>
        new(Harness.Contexts, Options.Create(options), Harness.Clock, NullLogger<EmailOutbox>.Instance);

    private async Task<List<Notification>> NotificationsOfAsync(string userId)
    {
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        return await db.Notifications.AsNoTracking().Where(n => n.UserId == userId).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BookingPortal.Tests.Api;
using Ical.Net;
using Ical.Net.DataTypes;
using static BookingPortal.Tests.Calendars.FeedReader;

namespace BookingPortal.Tests.Calendars;

/// <summary>The iCalendar feeds over real HTTP, parsed with Ical.Net as a calendar app would read them.</summary>
public class CalendarFeedTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Berlin = "Europe/Berlin";

    private object Body(string room, DateOnly day, string from, string to, string title, bool waitlist = false, object? recurrence = null)
    {
        var range = api.Venue.At(day, from, to);
        return new
        {
            resourceIds = new[] { api.Venue[room].Id }, start = range.Start, end = range.End, title, attendeeCount = 2, joinWaitlist = waitlist,
            recurrence,
        };
    }

    [Fact]
    public async Task My_feed_lists_my_bookings_in_the_locations_zone_with_a_stable_uid()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var bob = api.As(ApiFixture.Bob);
        var day = new DateOnly(2027, 3, 2);
        var mine = await CreateBookingAsync(alice, Body("Aurora", day, "09:00", "10:00", "Planning"));
        var theirs = await CreateBookingAsync(bob, Body("Aurora", day, "11:00", "12:00", "Bob's review"));

        var (calendar, _, _) = await GetAsync(alice, "/api/me/calendar.ics");

        var e = Single(calendar, mine.GetProperty("id").GetGuid());
        Assert.Equal("Planning", e.Summary);
        Assert.Equal(Berlin, e.DtStart!.TzId);
        Assert.Equal(new DateTime(2027, 3, 2, 9, 0, 0), e.DtStart.Value);
        Assert.Equal(mine.GetProperty("start").GetDateTimeOffset().UtcDateTime, e.DtStart.AsUtc);
        Assert.Equal(mine.GetProperty("end").GetDateTimeOffset().UtcDateTime, e.DtEnd!.AsUtc);
        Assert.Equal("CONFIRMED", e.Status);
        Assert.Contains("Aurora", e.Location);
        Assert.Contains(api.Venue.Location.Name, e.Location);
        Assert.Equal(new Uri("mailto:" + ApiFixture.Alice.Email), e.Organizer!.Value);
        Assert.Contains(e.Attendees, a => a.Value == new Uri("mailto:" + ApiFixture.Alice.Email));
        Assert.Contains(mine.GetProperty("id").GetString()!, e.Url!.ToString());
        Assert.Equal(0, e.Sequence);
        Assert.Contains(calendar.TimeZones, z => z.TzId == Berlin);
        Assert.Empty(EventsOf(calendar, theirs.GetProperty("id").GetGuid()));

        var (again, _, _) = await GetAsync(alice, "/api/me/calendar.ics");
        Assert.Equal(e.Uid, Single(again, mine.GetProperty("id").GetGuid()).Uid);
    }

    [Fact]
    public async Task Sequence_grows_with_every_change_and_a_cancelled_booking_stays_as_cancelled()
    {
        using var alice = api.As(ApiFixture.Alice);
        var booking = await CreateBookingAsync(alice, Body("Aurora", new DateOnly(2027, 3, 3), "09:00", "10:00", "Draft"));
        var id = booking.GetProperty("id").GetGuid();
        var first = Single((await GetAsync(alice, "/api/me/calendar.ics")).Calendar, id);

        (await alice.PatchAsJsonAsync($"/api/bookings/{id}", new { title = "Final" })).EnsureSuccessStatusCode();
        var edited = Single((await GetAsync(alice, "/api/me/calendar.ics")).Calendar, id);
        (await alice.PostAsJsonAsync($"/api/bookings/{id}/cancel", new { reason = "Not needed" })).EnsureSuccessStatusCode();
        var cancelled = Single((await GetAsync(alice, "/api/me/calendar.ics")).Calendar, id);

        Assert.Equal("Final", edited.Summary);
        Assert.True(edited.Sequence > first.Sequence, $"{edited.Sequence} after {first.Sequence}");
        Assert.True(cancelled.Sequence > edited.Sequence, $"{cancelled.Sequence} after {edited.Sequence}");
        Assert.Equal("CANCELLED", cancelled.Status);
        Assert.True(cancelled.LastModified!.AsUtc >= first.LastModified!.AsUtc);
    }

    [Fact]
    public async Task Awaiting_approval_is_tentative_and_a_waiting_list_request_says_so()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var bob = api.As(ApiFixture.Bob);
        var day = new DateOnly(2027, 3, 4);
        var approval = await CreateBookingAsync(alice, Body("Board", day, "09:00", "10:00", "Board meeting"));
        await CreateBookingAsync(bob, Body("Borealis", day, "13:00", "14:00", "Taken"));
        var waiting = await CreateBookingAsync(alice, Body("Borealis", day, "13:00", "14:00", "Standby", waitlist: true));

        var (calendar, _, _) = await GetAsync(alice, "/api/me/calendar.ics");

        Assert.Equal("AwaitingApproval", approval.GetProperty("status").GetString());
        Assert.Equal("TENTATIVE", Single(calendar, approval.GetProperty("id").GetGuid()).Status);
        var queued = Single(calendar, waiting.GetProperty("id").GetGuid());
        Assert.Equal("Pending", waiting.GetProperty("status").GetString());
        Assert.Equal("TENTATIVE", queued.Status);
        Assert.Equal("Waiting list: Standby", queued.Summary);
        Assert.Equal("TRANSPARENT", queued.Transparency);
    }

    [Fact]
    public async Task A_series_is_one_repeating_event_with_its_cancelled_occurrence_excluded_and_its_moved_one_overridden_across_dst()
    {
        using var alice = api.As(ApiFixture.Alice);
        // Weekly on Tuesdays from 16 March 2027; Berlin moves to summer time on 28 March, between the second and third.
        var series = await CreateBookingAsync(alice, Body("Borealis", new DateOnly(2027, 3, 16), "09:00", "10:00", "Weekly sync",
            recurrence: new { frequency = "weekly", count = 4 }));
        var seriesId = series.GetProperty("seriesId").GetGuid();
        var ids = series.GetProperty("bookings").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()).ToList();
        var before = EventsOf((await GetAsync(alice, "/api/me/calendar.ics")).Calendar, seriesId);

        (await alice.PostAsJsonAsync($"/api/bookings/{ids[1]}/cancel", new { reason = "Holiday" })).EnsureSuccessStatusCode();
        var moved = api.Venue.At(new DateOnly(2027, 3, 30), "11:00", "12:00");
        var patch = await alice.PatchAsJsonAsync($"/api/bookings/{ids[2]}", new { start = moved.Start, end = moved.End, title = "Sync, later" });
        Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync());
        var (calendar, text, _) = await GetAsync(alice, "/api/me/calendar.ics");

        var events = EventsOf(calendar, seriesId);
        Assert.Equal(2, events.Count);
        var master = Assert.Single(events, e => e.RecurrenceIdentifier is null);
        var changed = Assert.Single(events, e => e.RecurrenceIdentifier is not null);
        Assert.Equal(FrequencyType.Weekly, master.RecurrenceRule!.Frequency);
        Assert.Equal(4, master.RecurrenceRule.Count);
        Assert.Equal(new DateTime(2027, 3, 16, 9, 0, 0), master.DtStart!.Value);
        var excluded = Assert.Single(master.ExceptionDates.GetAllDates());
        Assert.Equal((Berlin, new DateTime(2027, 3, 23, 9, 0, 0)), (excluded.TzId, excluded.Value));
        Assert.Equal((Berlin, new DateTime(2027, 3, 30, 9, 0, 0)), (changed.RecurrenceIdentifier!.StartTime.TzId, changed.RecurrenceIdentifier.StartTime.Value));
        Assert.Equal(new DateTime(2027, 3, 30, 11, 0, 0), changed.DtStart!.Value);
        Assert.Equal("Sync, later", changed.Summary);
        Assert.True(master.Sequence > Assert.Single(before).Sequence);
        Assert.DoesNotContain($"{ids[0]}@bookingportal", text);

        // What a calendar app shows: the occurrences the rule makes, less the excluded one, with the override applied.
        var shown = ShownStarts(calendar, seriesId, new DateTime(2027, 3, 1), new DateTime(2027, 5, 1));
        var held = new List<DateTime>();
        foreach (var id in new[] { ids[0], ids[2], ids[3] })
        {
            var booking = await (await alice.GetAsync($"/api/bookings/{id}")).Content.ReadFromJsonAsync<JsonElement>();
            held.Add(booking.GetProperty("start").GetDateTimeOffset().UtcDateTime);
        }

        Assert.Equal(held.Order(), shown);
        Assert.Equal(new DateTime(2027, 3, 16, 8, 0, 0, DateTimeKind.Utc), shown[0]);
        Assert.Equal(new DateTime(2027, 3, 30, 9, 0, 0, DateTimeKind.Utc), shown[1]);
        Assert.Equal(new DateTime(2027, 4, 6, 7, 0, 0, DateTimeKind.Utc), shown[2]);
    }

    [Fact]
    public async Task A_series_split_by_this_and_following_is_two_repeating_events_the_first_ending_before_the_split()
    {
        using var alice = api.As(ApiFixture.Alice);
        var series = await CreateBookingAsync(alice, Body("Borealis", new DateOnly(2027, 4, 15), "14:00", "15:00", "Thursday review",
            recurrence: new { frequency = "weekly", count = 4 }));
        var seriesId = series.GetProperty("seriesId").GetGuid();
        var third = series.GetProperty("bookings")[2].GetProperty("id").GetGuid();
        var later = api.Venue.At(new DateOnly(2027, 4, 29), "15:00", "16:00");

        var patch = await alice.PatchAsJsonAsync($"/api/bookings/{third}", new { scope = "following", start = later.Start, end = later.End });
        Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync());
        var rest = (await patch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seriesId").GetGuid();
        var (calendar, _, _) = await GetAsync(alice, "/api/me/calendar.ics");

        var first = Assert.Single(EventsOf(calendar, seriesId));
        Assert.Null(first.RecurrenceRule!.Count);
        Assert.Equal(new DateTime(2027, 4, 28), first.RecurrenceRule.Until!.Value.Date);
        var second = Assert.Single(EventsOf(calendar, rest));
        Assert.Equal(2, second.RecurrenceRule!.Count);
        Assert.Equal(new DateTime(2027, 4, 29, 15, 0, 0), second.DtStart!.Value);

        // A calendar app shows the two earlier Thursdays at 14:00 and the two later ones at 15:00 (summer time, UTC+2).
        List<DateTime> Shown(Guid id) => ShownStarts(calendar, id, new DateTime(2027, 4, 1), new DateTime(2027, 6, 1));
        Assert.Equal([new DateTime(2027, 4, 15, 12, 0, 0, DateTimeKind.Utc), new DateTime(2027, 4, 22, 12, 0, 0, DateTimeKind.Utc)], Shown(seriesId));
        Assert.Equal([new DateTime(2027, 4, 29, 13, 0, 0, DateTimeKind.Utc), new DateTime(2027, 5, 6, 13, 0, 0, DateTimeKind.Utc)], Shown(rest));
    }

    [Fact]
    public async Task A_resource_feed_shows_other_peoples_bookings_as_busy_unless_the_reader_looks_after_the_location()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var bob = api.As(ApiFixture.Bob);
        using var olga = api.As(ApiFixture.Olga);
        var booking = await CreateBookingAsync(bob, Body("Borealis", new DateOnly(2027, 3, 5), "09:00", "10:00", "Secret merger"));
        var id = booking.GetProperty("id").GetGuid();
        var path = $"/api/resources/{api.Venue["Borealis"].Id}/calendar.ics";

        var (forAlice, aliceText, _) = await GetAsync(alice, path);
        var (forOlga, _, _) = await GetAsync(olga, path);
        var (forBob, _, _) = await GetAsync(bob, path);

        var busy = Single(forAlice, id);
        Assert.Equal("Busy", busy.Summary);
        Assert.Null(busy.Organizer);
        Assert.Empty(busy.Attendees);
        Assert.DoesNotContain("Secret merger", aliceText);
        Assert.DoesNotContain(ApiFixture.Bob.Email, aliceText, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(booking.GetProperty("start").GetDateTimeOffset().UtcDateTime, busy.DtStart!.AsUtc);
        Assert.Equal("Secret merger", Single(forOlga, id).Summary);
        Assert.Equal("Secret merger", Single(forBob, id).Summary);
    }

    [Fact]
    public async Task A_resource_feed_carries_maintenance_with_its_reason_for_those_who_look_after_the_location()
    {
        using var ada = api.As(ApiFixture.Ada);
        using var alice = api.As(ApiFixture.Alice);
        var range = api.Venue.At(new DateOnly(2027, 3, 10), "09:00", "12:00");
        var created = await ada.PostAsJsonAsync($"/api/resources/{api.Venue["Desk 1"].Id}/blocks", new { start = range.Start, end = range.End, reason = "New chair" });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var blockId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var path = $"/api/resources/{api.Venue["Desk 1"].Id}/calendar.ics";

        var forAlice = Single((await GetAsync(alice, path)).Calendar, blockId);
        var forAda = Single((await GetAsync(ada, path)).Calendar, blockId);

        Assert.Equal("Maintenance", forAlice.Summary);
        Assert.Equal("Maintenance: New chair", forAda.Summary);
        Assert.Equal(range.Start.UtcDateTime, forAlice.DtStart!.AsUtc);
        Assert.Equal(range.End.UtcDateTime, forAlice.DtEnd!.AsUtc);
    }

    [Fact]
    public async Task A_location_feed_is_for_its_operators_and_admins()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var olga = api.As(ApiFixture.Olga);
        using var oskar = api.As(ApiFixture.Oskar);
        using var ada = api.As(ApiFixture.Ada);
        var booking = await CreateBookingAsync(alice, Body("Aurora", new DateOnly(2027, 3, 5), "15:00", "16:00", "Retro"));
        var path = $"/api/locations/{api.Venue.Location.Id}/calendar.ics";

        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await oskar.GetAsync(path)).StatusCode);
        Assert.Equal("Retro", Single((await GetAsync(olga, path)).Calendar, booking.GetProperty("id").GetGuid()).Summary);
        Assert.Equal("Retro", Single((await GetAsync(ada, path)).Calendar, booking.GetProperty("id").GetGuid()).Summary);
        Assert.Equal(HttpStatusCode.NotFound, (await ada.GetAsync($"/api/locations/{Guid.NewGuid()}/calendar.ics")).StatusCode);
    }

    [Fact]
    public async Task An_unchanged_feed_answers_304_to_its_etag_and_a_change_gives_a_new_one()
    {
        using var alice = api.As(ApiFixture.Alice);
        var booking = await CreateBookingAsync(alice, Body("Aurora", new DateOnly(2027, 3, 8), "09:00", "10:00", "Cached"));
        var path = $"/api/resources/{api.Venue["Aurora"].Id}/calendar.ics";
        var (_, _, first) = await GetAsync(alice, path);
        var etag = first.Headers.ETag!;
        Assert.Contains("private", first.Headers.CacheControl!.ToString());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(etag);
        var unchanged = await alice.SendAsync(conditional);
        (await alice.PatchAsJsonAsync($"/api/bookings/{booking.GetProperty("id").GetGuid()}", new { title = "Cached, renamed" })).EnsureSuccessStatusCode();
        using var after = new HttpRequestMessage(HttpMethod.Get, path);
        after.Headers.IfNoneMatch.Add(etag);
        var changed = await alice.SendAsync(after);

        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(etag, unchanged.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        var renamed = Ical.Net.Calendar.Load(await changed.Content.ReadAsStringAsync())!;
        Assert.Equal("Cached, renamed", Single(renamed, booking.GetProperty("id").GetGuid()).Summary);
    }

    [Fact]
    public async Task Titles_with_ical_special_characters_emoji_and_long_non_ascii_text_come_back_exactly()
    {
        using var alice = api.As(ApiFixture.Alice);
        var awkward = "Plan, review; merge \\ ship 🚀 " + string.Concat(Enumerable.Repeat("Zürich–Ωμέγα–東京", 11))[..150];
        var booking = await CreateBookingAsync(alice, Body("Aurora", new DateOnly(2027, 3, 9), "14:00", "15:00", awkward));

        var (calendar, text, _) = await GetAsync(alice, "/api/me/calendar.ics");

        Assert.Equal(awkward, Single(calendar, booking.GetProperty("id").GetGuid()).Summary);
        Assert.All(text.Split("\r\n"), line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"{Encoding.UTF8.GetByteCount(line)} octets: {line}"));
        // Folding splits between characters, never inside one: every line is valid UTF-8 on its own.
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var raw = await (await alice.GetAsync("/api/me/calendar.ics")).Content.ReadAsByteArrayAsync();
        foreach (var line in Split(raw))
        {
            strict.GetString(line);
        }
    }

    [Fact]
    public async Task Feeds_refuse_bad_input_with_problem_details_and_anonymous_callers_with_401()
    {
        using var alice = api.As(ApiFixture.Alice);
        using var anonymous = api.Anonymous();

        var reversed = await alice.GetAsync("/api/me/calendar.ics?from=2027-05-01T00:00:00Z&to=2027-04-01T00:00:00Z");
        var huge = await alice.GetAsync("/api/me/calendar.ics?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z");
        var garbled = await alice.GetAsync("/api/me/calendar.ics?from=yesterday");
        var unknown = await alice.GetAsync($"/api/resources/{Guid.NewGuid()}/calendar.ics");
        var unsigned = await anonymous.GetAsync("/api/me/calendar.ics");
        var firstDays = await alice.GetAsync("/api/me/calendar.ics?to=0001-01-02T00:00:00Z");
        var lastDays = await alice.GetAsync("/api/me/calendar.ics?from=9999-12-30T00:00:00Z");

        foreach (var (response, status) in new[]
                 {
                     (reversed, HttpStatusCode.BadRequest), (huge, HttpStatusCode.BadRequest), (garbled, HttpStatusCode.BadRequest),
                     (unknown, HttpStatusCode.NotFound), (unsigned, HttpStatusCode.Unauthorized),
                     (firstDays, HttpStatusCode.BadRequest), (lastDays, HttpStatusCode.BadRequest),
                 })
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var errors = (await reversed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("to", out _), errors.ToString());
        Assert.True((await garbled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("from", out _));
    }

    [Fact]
    public async Task A_narrower_window_leaves_out_what_lies_outside_it()
    {
        using var alice = api.As(ApiFixture.Alice);
        var booking = await CreateBookingAsync(alice, Body("Aurora", new DateOnly(2027, 3, 11), "09:00", "10:00", "Windowed"));
        var id = booking.GetProperty("id").GetGuid();

        var inside = (await GetAsync(alice, "/api/me/calendar.ics?from=2027-03-11T00:00:00Z&to=2027-03-12T00:00:00Z")).Calendar;
        var outside = (await GetAsync(alice, "/api/me/calendar.ics?from=2027-03-12T00:00:00Z&to=2027-03-13T00:00:00Z")).Calendar;

        Assert.Single(EventsOf(inside, id));
        Assert.Empty(EventsOf(outside, id));
    }

    private static IEnumerable<byte[]> Split(byte[] raw)
    {
        var start = 0;
        for (var i = 0; i + 1 < raw.Length; i++)
        {
            if (raw[i] == '\r' && raw[i + 1] == '\n')
            {
                yield return raw[start..i];
                start = i + 2;
            }
        }
    }
}

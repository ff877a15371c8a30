using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Domain.Common;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Reports;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using BookingPortal.Tests.Support;

namespace BookingPortal.Tests.Reports;

/// <summary>
/// Demand the product turns away reaches the demand report by itself: a create refused for a conflict and a room search
/// that found nothing, each once per requester however often it is repeated, and nothing for what succeeded.
/// </summary>
public class DemandHookTests(DatabaseFixture database) : EngineTestBase(database)
{
    private RoomFinder Finder => new(new ResourceCatalog(Harness.Contexts), new DemandLog(Harness.Contexts, Harness.Clock));

    private async Task<DemandRow> DemandOnMondayAsync(Venue venue, ResourceKind? kind = null)
    {
        var result = await new DemandReport(Harness.Contexts).RunAsync(
            new ReportQuery(venue.Location.Id, Monday, Monday.AddDays(1)) { Kind = kind }, TestData.Admin);
        return Assert.Single(Assert.IsType<ReportResult<DemandRow>.Ok>(result).Rows);
    }

    [Fact]
    public async Task A_create_refused_for_a_conflict_is_counted_once_however_often_it_is_retried()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Alpha"));
        var slot = venue.At(Monday, "10:00", "11:00");
        Booked(await Engine.CreateAsync(Request(slot, venue["Alpha"].Id), TestData.Alice));

        Conflicted(await Engine.CreateAsync(Request(slot, venue["Alpha"].Id), TestData.Bob));
        Conflicted(await Engine.CreateAsync(Request(slot, venue["Alpha"].Id), TestData.Bob));
        Conflicted(await Engine.CreateAsync(Request(slot, venue["Alpha"].Id) with { IdempotencyKey = "bob-retry" }, TestData.Bob));
        Conflicted(await Engine.CreateAsync(Request(slot, venue["Alpha"].Id) with { IdempotencyKey = "bob-retry" }, TestData.Bob));

        Assert.Equal(new DemandRow(1, 0, 0, null, 0), await DemandOnMondayAsync(venue));
    }

    [Fact]
    public async Task Different_people_refused_the_same_slot_count_once_each()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Alpha"));
        var slot = venue.At(Monday, "10:00", "11:00");
        Booked(await Engine.CreateAsync(Request(slot, venue["Alpha"].Id), TestData.Alice));

        Conflicted(await Engine.CreateAsync(Request(slot, venue["Alpha"].Id), TestData.Bob));
        Conflicted(await Engine.CreateAsync(Request(slot, venue["Alpha"].Id), TestData.Operator));

        Assert.Equal(2, (await DemandOnMondayAsync(venue)).ConflictsRefused);
    }

    [Fact]
    public async Task Successful_creates_and_wait_list_joins_record_no_refusal()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Alpha"));
        var slot = venue.At(Monday, "10:00", "11:00");
        var request = Request(slot, venue["Alpha"].Id) with { IdempotencyKey = "alice-once" };

        Booked(await Engine.CreateAsync(request, TestData.Alice));
        Assert.True(Assert.IsType<BookingResult.Success>(await Engine.CreateAsync(request, TestData.Alice)).Replayed);
        Assert.IsType<BookingResult.Queued>(await Engine.CreateAsync(Request(slot, venue["Alpha"].Id) with { JoinWaitlist = true }, TestData.Bob));

        Assert.Equal(new DemandRow(0, 1, 0, 0m, 0), await DemandOnMondayAsync(venue));
    }

    [Fact]
    public async Task A_search_that_finds_nothing_is_counted_once_per_searcher_and_for_its_kind()
    {
        var venue = await Harness.SeedVenueAsync(v =>
        {
            v.Room("Alpha", 4);
            v.Desk("Desk 1");
        });
        var slot = venue.At(Monday, "10:00", "11:00");
        Booked(await Engine.CreateAsync(Request(slot, venue["Alpha"].Id), TestData.Alice));
        var search = new RoomSearch(venue.Location.Id, slot, 2, []);

        Assert.Empty(await Finder.FindAsync(search, TestData.Bob));
        // The page prerenders and then re-runs the search, and refreshes it on live changes: still one search.
        Assert.Empty(await Finder.FindAsync(search, TestData.Bob));
        Harness.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await Finder.FindAsync(search, TestData.Bob));
        Assert.Empty(await Finder.FindAsync(search, TestData.Operator));

        Assert.Equal(2, (await DemandOnMondayAsync(venue)).EmptySearches);
        Assert.Equal(2, (await DemandOnMondayAsync(venue, ResourceKind.Room)).EmptySearches);
        Assert.Equal(0, (await DemandOnMondayAsync(venue, ResourceKind.Desk)).EmptySearches);
    }

    [Fact]
    public async Task A_search_that_finds_a_room_records_nothing()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Alpha", 4));

        Assert.Single(await Finder.FindAsync(new RoomSearch(venue.Location.Id, venue.At(Monday, "10:00", "11:00"), 2, []), TestData.Bob));

        Assert.Equal(new DemandRow(0, 0, 0, null, 0), await DemandOnMondayAsync(venue));
    }

    [Fact]
    public async Task A_failure_to_record_never_fails_the_request()
    {
        var log = new DemandLog(Harness.Contexts, Harness.Clock);
        var nowhere = Guid.CreateVersion7();
        var window = new TimeRange(Harness.Clock.GetUtcNow(), Harness.Clock.GetUtcNow().AddHours(1));

        // No such location: the insert breaks its foreign key, and the caller still carries on.
        await log.RecordRefusalAsync(nowhere, [Guid.CreateVersion7()], window, 2, TestData.Bob.UserId);
        await log.RecordEmptySearchAsync(nowhere, ResourceKind.Room, window, 2, TestData.Bob.UserId);
    }
}

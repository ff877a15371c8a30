using BookingPortal.Domain.Displays;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Displays;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Tests.Displays;

public sealed class DisplayLinkTests(DatabaseFixture database) : EngineTestBase(database)
{
    private DisplayLinks Links => new(Harness.Contexts, Harness.Clock);

    private async Task<(Venue Venue, CreatedDisplayLink Link)> CreateAsync(int? cycleSeconds = 20)
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Shown"));
        var ok = Assert.IsType<AdminResult<CreatedDisplayLink>.Ok>(await Links.CreateAsync(" Reception TV ", venue.Location.Id, null, cycleSeconds, TestData.Admin));
        return (venue, ok.Value);
    }

    [Fact]
    public async Task A_new_link_opens_its_location_and_only_its_hash_is_stored()
    {
        var (venue, created) = await CreateAsync();

        var target = await Links.OpenAsync(created.Token);

        Assert.Equal(new DisplayTarget(created.Link.Id, "Reception TV", venue.Location.Id, null, 20), target);
        Assert.True(created.Token.Length >= 43, "the secret carries 256 bits");
        await using var db = await Harness.Contexts.CreateDbContextAsync();
        var stored = await db.Set<DisplayLink>().AsNoTracking().SingleAsync(d => d.Id == created.Link.Id);
        Assert.NotEqual(created.Token, stored.TokenHash);
        Assert.Equal(DisplayLinks.HashOf(created.Token), stored.TokenHash);
        Assert.Equal(Harness.Clock.GetUtcNow(), stored.LastSeenAt);
    }

    [Fact]
    public async Task A_revoked_link_opens_nothing()
    {
        var (_, created) = await CreateAsync();

        Assert.IsType<AdminResult<DisplayLinkView>.Ok>(await Links.RevokeAsync(created.Link.Id, TestData.Admin));

        Assert.Null(await Links.OpenAsync(created.Token));
        Assert.False(await Links.IsActiveAsync(created.Link.Id));
        Assert.IsType<AdminResult<DisplayLinkView>.Invalid>(await Links.RevokeAsync(created.Link.Id, TestData.Admin));
        Assert.NotNull((await Links.ListAsync()).Single(l => l.Id == created.Link.Id).RevokedAt);
    }

    [Fact]
    public async Task Unknown_and_absurd_tokens_open_nothing()
    {
        await CreateAsync();

        Assert.Null(await Links.OpenAsync("not-a-token"));
        Assert.Null(await Links.OpenAsync(new string('x', 5000)));
        Assert.Null(await Links.OpenAsync(null));
    }

    [Fact]
    public async Task Bad_input_is_refused_per_field_and_nothing_is_stored()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Other"));
        var before = (await Links.ListAsync()).Count;

        var invalid = Assert.IsType<AdminResult<CreatedDisplayLink>.Invalid>(
            await Links.CreateAsync("  ", venue.Location.Id, Guid.NewGuid(), 5, TestData.Admin));

        Assert.Equal(["cycleSeconds", "floorId", "name"], invalid.Errors.Keys.Order());
        Assert.Contains("locationId", Assert.IsType<AdminResult<CreatedDisplayLink>.Invalid>(
            await Links.CreateAsync("TV", Guid.NewGuid(), null, null, TestData.Admin)).Errors.Keys);
        Assert.Equal(before, (await Links.ListAsync()).Count);
    }
}

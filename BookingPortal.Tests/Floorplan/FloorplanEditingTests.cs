using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Infrastructure.Floorplan;
using BookingPortal.Tests.Engine;
using BookingPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Tests.Floorplan;

public sealed class FloorplanEditingTests(DatabaseFixture database) : EngineTestBase(database)
{
    /// <summary>The smallest valid PNG: signature, IHDR for 1×1, IDAT, IEND.</summary>
    public static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private FloorplanEditing Editing => new(Harness.Contexts, Harness.Snapshots, Harness.Clock);

    private FloorplanQueries Queries => new(Harness.Contexts, Harness.Clock);

    [Fact]
    public async Task A_resource_moved_inside_the_plan_is_saved()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Movable"));

        var ok = Assert.IsType<AdminResult<FloorplanShape>.Ok>(
            await Editing.PlaceAsync(venue["Movable"].Id, venue.Floors[0].Id, FloorplanShape.Rectangle(20.04, 10, 30, 25)));

        Assert.Equal(FloorplanShape.Rectangle(20, 10, 30, 25), ok.Value);
        var editor = (await Queries.EditorAsync(venue.Floors[0].Id))!;
        Assert.Equal(FloorplanShape.Rectangle(20, 10, 30, 25), editor.OnThisFloor.Single().Shape);
    }

    [Theory]
    [InlineData(-1, 0, 10, 10)]
    [InlineData(95, 0, 10, 10)]
    [InlineData(0, 55, 10, 10)]
    [InlineData(0, 0, 0, 10)]
    public async Task A_shape_outside_the_plan_is_refused_and_nothing_changes(double x, double y, double width, double height)
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Anchored"));

        var invalid = Assert.IsType<AdminResult<FloorplanShape>.Invalid>(
            await Editing.PlaceAsync(venue["Anchored"].Id, venue.Floors[0].Id, new FloorplanShape(x, y, width, height)));

        Assert.Contains("shape", invalid.Errors.Keys);
        Assert.Equal(venue["Anchored"].Shape, (await Queries.EditorAsync(venue.Floors[0].Id))!.OnThisFloor.Single().Shape);
    }

    [Fact]
    public async Task A_resource_cannot_move_to_another_locations_floor()
    {
        var here = await Harness.SeedVenueAsync(v => v.Room("Here"));
        var there = await Harness.SeedVenueAsync(v => v.Room("There"));

        var invalid = Assert.IsType<AdminResult<FloorplanShape>.Invalid>(
            await Editing.PlaceAsync(here["Here"].Id, there.Floors[0].Id, FloorplanShape.Rectangle(0, 0, 10, 10)));

        Assert.Contains("floorId", invalid.Errors.Keys);
    }

    [Fact]
    public async Task Renaming_keeps_capacity_and_features()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Old name", capacity: 9).WithFeatures("projector"));

        Assert.IsType<AdminResult<string>.Ok>(await Editing.RenameAsync(venue["Old name"].Id, " New name "));
        Assert.IsType<AdminResult<string>.Invalid>(await Editing.RenameAsync(venue["Old name"].Id, new string('n', 101)));

        await using var db = await Harness.Contexts.CreateDbContextAsync();
        var renamed = await db.Resources.AsNoTracking().SingleAsync(r => r.Id == venue["Old name"].Id);
        Assert.Equal(("New name", 9), (renamed.Name, renamed.Capacity));
        Assert.Equal(["projector"], renamed.Features);
    }

    [Fact]
    public async Task A_background_picture_is_stored_with_an_address_naming_its_content()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Pictured"));
        var floorId = venue.Floors[0].Id;

        var url = Assert.IsType<AdminResult<string>.Ok>(await Editing.SetBackgroundAsync(floorId, TinyPng, TestData.Admin)).Value;

        var sha = url.Split('/')[^1];
        Assert.Equal($"/floorplans/{floorId}/background/{sha}", url);
        Assert.Equal(url, (await Queries.EditorAsync(floorId))!.BackgroundImageUrl);
        var stored = (await Queries.FloorImageAsync(floorId, sha))!.Value;
        Assert.Equal("image/png", stored.ContentType);
        Assert.Equal(TinyPng, stored.Content);

        Assert.IsType<AdminResult<string>.Ok>(await Editing.RemoveBackgroundAsync(floorId));
        Assert.Null((await Queries.EditorAsync(floorId))!.BackgroundImageUrl);
        Assert.Null(await Queries.FloorImageAsync(floorId, sha));
    }

    [Fact]
    public async Task Something_that_is_not_a_picture_is_refused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Plain"));

        var invalid = Assert.IsType<AdminResult<string>.Invalid>(
            await Editing.SetBackgroundAsync(venue.Floors[0].Id, "<svg onload=alert(1)>"u8.ToArray(), TestData.Admin));

        Assert.Contains("PNG, JPEG or WebP", invalid.Errors["image"].Single());
        Assert.Null((await Queries.EditorAsync(venue.Floors[0].Id))!.BackgroundImageUrl);
    }

    [Fact]
    public async Task The_plan_cannot_shrink_under_a_resource()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Wide"));
        await Editing.PlaceAsync(venue["Wide"].Id, venue.Floors[0].Id, FloorplanShape.Rectangle(60, 0, 30, 10));

        Assert.IsType<AdminResult<(double, double)>.Invalid>(await Editing.ResizeAsync(venue.Floors[0].Id, 80, 60));
        Assert.IsType<AdminResult<(double, double)>.Ok>(await Editing.ResizeAsync(venue.Floors[0].Id, 200, 120));

        await using var db = await Harness.Contexts.CreateDbContextAsync();
        var floor = await db.Floors.AsNoTracking().SingleAsync(f => f.Id == venue.Floors[0].Id);
        Assert.Equal((200d, 120d), (floor.PlanWidth, floor.PlanHeight));
    }

    [Fact]
    public void Pictures_are_recognised_by_their_bytes()
    {
        Assert.Equal("image/png", FloorPlanImage.ContentTypeOf(TinyPng));
        Assert.Equal("image/jpeg", FloorPlanImage.ContentTypeOf([0xFF, 0xD8, 0xFF, 0xE0]));
        Assert.Equal("image/webp", FloorPlanImage.ContentTypeOf("RIFF\0\0\0\0WEBPVP8 "u8));
        Assert.Null(FloorPlanImage.ContentTypeOf("GIF89a"u8));
    }
}

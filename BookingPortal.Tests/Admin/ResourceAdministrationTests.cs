using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Catalog;
using BookingPortal.Tests.Infrastructure;

namespace BookingPortal.Tests.Admin;

public class ResourceAdministrationTests(DatabaseFixture database) : AdminTestBase(database)
{
    private async Task<(Venue Venue, FloorView SecondFloor)> TwoFloorsAsync()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var second = Ok(await Locations.AddFloorAsync(venue.Location.Id, new FloorDefinition("Second", 2, 1000, 600)));
        return (venue, second);
    }

    private static BulkResourceDefinition Desks(Venue venue, Guid floorId, int from, int to, string prefix = "Desk") =>
        new(prefix, from, to, new ResourceDefinition(venue.Location.Id, floorId, ResourceKind.Desk, null, 1, ["monitor"], RequiresCheckIn: true));

    [Fact]
    public async Task Desk_1_to_20_on_floor_2_are_created_at_once_each_on_its_own_free_spot()
    {
        var (venue, second) = await TwoFloorsAsync();
        var room = Ok(await Resources.CreateAsync(new ResourceDefinition(venue.Location.Id, second.Id, ResourceKind.Room, "Corner", 6,
            Shape: FloorplanShape.Rectangle(0, 0, 300, 200))));

        var desks = Ok(await Resources.CreateManyAsync(Desks(venue, second.Id, 1, 20)));

        Assert.Equal(Enumerable.Range(1, 20).Select(n => $"Desk {n}"), desks.Select(d => d.Name));
        Assert.All(desks, d => Assert.Equal((second.Id, ResourceKind.Desk, 1, true, true), (d.FloorId, d.Kind, d.Capacity, d.RequiresCheckIn, d.IsActive)));
        var shapes = desks.Select(d => d.Shape).Append(room.Shape).ToList();
        for (var i = 0; i < shapes.Count; i++)
        {
            var a = shapes[i];
            Assert.True(a.X >= 0 && a.Y >= 0 && a.X + a.Width <= second.PlanWidth && a.Y + a.Height <= second.PlanHeight, $"{a} leaves the plan");
            for (var j = i + 1; j < shapes.Count; j++)
            {
                var b = shapes[j];
                Assert.False(a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height, $"{a} overlaps {b}");
            }
        }

        Assert.Equal(21, (await Catalog.ResourcesAsync(new ResourceFilter(FloorId: second.Id))).Count);
    }

    [Theory]
    [InlineData("Desk", 5, 1, "to", "must not be below")]
    [InlineData("Desk", 1, 201, "to", "At most 200")]
    [InlineData(" ", 1, 3, "prefix", "prefix of 1 to 80")]
    [InlineData("Desk", -1, 3, "from", "between 0 and 100000")]
    public async Task A_bad_range_or_prefix_creates_nothing(string prefix, int from, int to, string field, string message)
    {
        var (venue, second) = await TwoFloorsAsync();

        var errors = Invalid(await Resources.CreateManyAsync(Desks(venue, second.Id, from, to, prefix)));

        Assert.Contains(message, errors[field][0]);
        Assert.Empty(await Catalog.ResourcesAsync(new ResourceFilter(FloorId: second.Id)));
    }

    [Fact]
    public async Task Names_already_used_at_the_location_refuse_the_whole_batch()
    {
        var (venue, second) = await TwoFloorsAsync();
        Ok(await Resources.CreateManyAsync(Desks(venue, second.Id, 1, 3, "Hot desk")));

        var errors = Invalid(await Resources.CreateManyAsync(Desks(venue, second.Id, 2, 6, "hot desk")));

        Assert.Equal("Already at this location: Hot desk 2, Hot desk 3.", errors["prefix"][0]);
        Assert.Equal(3, (await Catalog.ResourcesAsync(new ResourceFilter(FloorId: second.Id))).Count);
        Assert.Equal(["A-1", "A-2"], Desks(venue, second.Id, 1, 2, "A-").Names());
    }

    [Fact]
    public async Task A_resource_without_the_required_fields_is_refused_field_by_field()
    {
        var errors = Invalid(await Resources.CreateAsync(new ResourceDefinition(null, null, null, "", 0, MinDurationMinutes: 60, MaxDurationMinutes: 30,
            HorizonDays: 0, BufferBeforeMinutes: -5)));

        Assert.Equal(["bufferBeforeMinutes", "capacity", "floorId", "horizonDays", "kind", "locationId", "minDurationMinutes", "name"], errors.Keys.Order());
    }

    [Fact]
    public async Task Active_names_are_unique_per_location_and_a_deactivated_one_can_be_reused()
    {
        var venue = await Harness.SeedVenueAsync(v => v.Room("Aurora"));
        var floor = venue.Floors[0].Id;
        var copy = new ResourceDefinition(venue.Location.Id, floor, ResourceKind.Room, " aurora ", 4);

        Assert.Contains("already called", Invalid(await Resources.CreateAsync(copy))["name"][0]);
        Ok(await Resources.DeactivateAsync(venue["Aurora"].Id));
        var successor = Ok(await Resources.CreateAsync(copy));

        Assert.Equal("aurora", successor.Name);
        Assert.Contains("rename one of them", Invalid(await Resources.ActivateAsync(venue["Aurora"].Id))["name"][0]);
        Ok(await Resources.UpdateAsync(successor.Id, copy with { Name = "Aurora II" }));
        Assert.True(Ok(await Resources.ActivateAsync(venue["Aurora"].Id)).IsActive);
    }

    [Fact]
    public async Task Editing_changes_every_property_and_a_move_to_another_floor_finds_a_free_spot_there()
    {
        var (venue, second) = await TwoFloorsAsync();
        var aurora = venue["Aurora"];
        var edited = Ok(await Resources.UpdateAsync(aurora.Id, new ResourceDefinition(null, second.Id, ResourceKind.Equipment, "Projector cart", 1,
            ["Video", "video", " hdmi "], null, 5, 10, 30, 240, 14, RequiresApproval: true, RequiresCheckIn: true)));

        Assert.Equal((ResourceKind.Equipment, "Projector cart", second.Id, 5, 10, 30, 240, 14, true, true),
            (edited.Kind, edited.Name, edited.FloorId, edited.BufferBeforeMinutes, edited.BufferAfterMinutes, edited.MinDurationMinutes,
                edited.MaxDurationMinutes, edited.HorizonDays, edited.RequiresApproval, edited.RequiresCheckIn));
        Assert.Equal(["hdmi", "video"], edited.Features);
        Assert.NotEqual(aurora.Shape, edited.Shape);
        Assert.True(edited.Shape.X + edited.Shape.Width <= second.PlanWidth);

        var polygon = new FloorplanShape(0, 0, 40, 30, [new(0, 0), new(40, 0), new(40, 30)]);
        var reshaped = Ok(await Resources.UpdateAsync(aurora.Id, new ResourceDefinition(null, second.Id, ResourceKind.Equipment, "Projector cart", 1, Shape: polygon)));
        Assert.True(reshaped.Shape.IsPolygon);
        Assert.Contains("cannot move to another location", Invalid(await Resources.UpdateAsync(aurora.Id,
            new ResourceDefinition(Guid.NewGuid(), second.Id, ResourceKind.Room, "Elsewhere", 1)))["locationId"][0]);
    }
}

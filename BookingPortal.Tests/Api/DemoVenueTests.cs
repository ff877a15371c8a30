using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Tests.Browser;
using BookingPortal.Tests.Infrastructure;
using BookingPortal.Web.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingPortal.Tests.Api;

/// <summary>The app started with <c>DemoData:Seed=true</c> on a fresh database, as a deployment would switch it on.</summary>
public sealed class DemoVenueFixture : IAsyncLifetime
{
    private string? _connectionString;

    public AppServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabase.CreateMigratedDatabaseAsync("demo");
        Server = new AppServer(_connectionString, new Dictionary<string, string>
        {
            ["DemoData:Seed"] = "true",
            ["Scheduling:DefaultNoShowGracePeriod"] = "00:10:00",
        });
        // Building the host runs Program, which seeds before the server starts listening.
        _ = Server.Services;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_connectionString is not null && TestDatabase.UsesExternalServer)
        {
            await TestDatabase.DropDatabaseAsync(_connectionString);
        }
    }

    public BookingDbContext Db() => Server.Services.GetRequiredService<IDbContextFactory<BookingDbContext>>().CreateDbContext();
}

public sealed class DemoVenueTests(DemoVenueFixture fixture) : IClassFixture<DemoVenueFixture>
{
    [Fact]
    public async Task HQ_is_in_Berlin_and_open_Monday_to_Friday_7_to_20()
    {
        await using var db = fixture.Db();

        var hq = await db.Locations.SingleAsync(l => l.Name == DemoVenueSeeder.LocationName);

        Assert.Equal("Europe/Berlin", hq.TimeZoneId);
        Assert.Equal(TimeSpan.FromMinutes(10), hq.NoShowGracePeriod);
        Assert.Equal(
            [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
            hq.OpeningHours.Select(i => i.Day).ToArray());
        Assert.All(hq.OpeningHours, i =>
        {
            Assert.Equal(new TimeOnly(7, 0), i.Start);
            Assert.Equal(new TimeOnly(20, 0), i.End);
        });
    }

    [Fact]
    public async Task HQ_has_two_floors_with_rooms_desks_and_one_approval_room()
    {
        await using var db = fixture.Db();
        var hq = await db.Locations.SingleAsync(l => l.Name == DemoVenueSeeder.LocationName);

        var floors = await db.Floors.Where(f => f.LocationId == hq.Id).ToListAsync();
        var resources = await db.Resources.Where(r => r.LocationId == hq.Id).ToListAsync();

        Assert.Equal(2, floors.Count);
        Assert.Equal(2, floors.Select(f => f.Name).Distinct().Count());
        var rooms = resources.Where(r => r.Kind == ResourceKind.Room).ToList();
        Assert.True(rooms.Count >= 12, $"{rooms.Count} rooms");
        Assert.True(resources.Count(r => r.Kind == ResourceKind.Desk) >= 10);
        Assert.Equal("Boardroom", Assert.Single(resources, r => r.Rules.RequiresApproval).Name);
        Assert.Contains(rooms, r => r.Rules.RequiresCheckIn);
        Assert.True(rooms.Select(r => r.Capacity).Distinct().Count() >= 5, "room capacities should vary");
        Assert.All(rooms, r => Assert.InRange(r.Capacity, 2, 20));
        Assert.Equal(resources.Count, resources.Select(r => r.Name).Distinct().Count());
    }

    [Fact]
    public async Task Every_resource_has_a_shape_inside_its_floor_and_none_overlap()
    {
        await using var db = fixture.Db();
        var hq = await db.Locations.SingleAsync(l => l.Name == DemoVenueSeeder.LocationName);
        var floors = await db.Floors.Where(f => f.LocationId == hq.Id).ToDictionaryAsync(f => f.Id);
        var resources = await db.Resources.Where(r => r.LocationId == hq.Id).ToListAsync();

        Assert.All(resources, r =>
        {
            var floor = floors[r.FloorId];
            var s = r.Shape;
            Assert.True(s.X >= 0 && s.Y >= 0 && s.Width > 0 && s.Height > 0
                        && s.X + s.Width <= floor.PlanWidth && s.Y + s.Height <= floor.PlanHeight,
                $"{r.Name} at ({s.X}, {s.Y}, {s.Width}×{s.Height}) is outside {floor.Name} ({floor.PlanWidth}×{floor.PlanHeight})");
        });

        foreach (var onFloor in resources.GroupBy(r => r.FloorId))
        {
            var list = onFloor.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                for (var j = i + 1; j < list.Count; j++)
                {
                    Assert.False(Overlap(list[i].Shape, list[j].Shape), $"{list[i].Name} overlaps {list[j].Name}");
                }
            }
        }
    }

    [Fact]
    public async Task The_four_users_have_their_roles_and_sign_in_with_the_demo_password()
    {
        await using var scope = fixture.Server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var expected = new Dictionary<string, string[]>
        {
            ["admin@demo.local"] = [RoleNames.Admin, RoleNames.Operator, RoleNames.Staff],
            ["operator@demo.local"] = [RoleNames.Operator, RoleNames.Staff],
            ["staff@demo.local"] = [RoleNames.Staff],
            ["staff2@demo.local"] = [RoleNames.Staff],
        };

        foreach (var (email, roles) in expected)
        {
            var user = await users.FindByEmailAsync(email);
            Assert.NotNull(user);
            Assert.Equal(email, user.UserName);
            Assert.True(user.EmailConfirmed);
            Assert.Equal(roles.Order(), (await users.GetRolesAsync(user)).Order());
            Assert.True(await users.CheckPasswordAsync(user, DemoVenueSeeder.Password), $"{email} cannot sign in");
        }
    }

    [Fact]
    public async Task The_demo_operator_looks_after_HQ()
    {
        await using var scope = fixture.Server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var assignments = fixture.Server.Services.GetRequiredService<OperatorAssignments>();
        await using var db = fixture.Db();
        var hq = await db.Locations.SingleAsync(l => l.Name == DemoVenueSeeder.LocationName);

        var @operator = await users.FindByEmailAsync("operator@demo.local");

        Assert.Equal([hq.Id], await assignments.GetAsync(@operator!.Id));
    }

    [Fact]
    public async Task There_are_upcoming_bookings_from_several_users()
    {
        var now = fixture.Server.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = fixture.Db();

        // From Friday on the seeder fills next week too, so "ahead" reaches at most ten days.
        var upcoming = await db.Bookings.Where(b => b.Start >= now && b.Start < now.AddDays(10)).ToListAsync();

        Assert.True(upcoming.Count >= 10, $"only {upcoming.Count} upcoming demo bookings");
        Assert.All(upcoming, b => Assert.True(b.Status is BookingStatus.Confirmed or BookingStatus.AwaitingApproval, $"{b.Title}: {b.Status}"));
        Assert.True(upcoming.Select(b => b.OwnerEmail).Distinct().Count() >= 2, "bookings should come from several users");
    }

    [Fact]
    public async Task Seeding_again_creates_nothing()
    {
        var before = await CountAsync();

        await fixture.Server.Services.GetRequiredService<DemoVenueSeeder>().SeedAsync();

        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public void Friday_and_the_weekend_also_plan_next_week()
    {
        var monday = new DateOnly(2026, 3, 2);

        Assert.Equal(5, DemoVenueSeeder.DemoDays(monday).Count);
        Assert.Equal([monday.AddDays(3), monday.AddDays(4)], DemoVenueSeeder.DemoDays(monday.AddDays(3)));
        Assert.Equal(6, DemoVenueSeeder.DemoDays(monday.AddDays(4)).Count);
        Assert.Equal(Enumerable.Range(7, 5).Select(monday.AddDays), DemoVenueSeeder.DemoDays(monday.AddDays(6)));
    }

    private async Task<(int Users, int Roles, int Claims, int Locations, int Floors, int Resources, int Bookings)> CountAsync()
    {
        await using var db = fixture.Db();
        return (await db.Users.CountAsync(), await db.UserRoles.CountAsync(), await db.UserClaims.CountAsync(), await db.Locations.CountAsync(),
            await db.Floors.CountAsync(), await db.Resources.CountAsync(), await db.Bookings.CountAsync());
    }

    private static bool Overlap(FloorplanShape a, FloorplanShape b) =>
        a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height;
}

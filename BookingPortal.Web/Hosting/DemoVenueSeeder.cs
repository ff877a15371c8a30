using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Infrastructure.Persistence;
using BookingPortal.Infrastructure.Scheduling;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingPortal.Web.Hosting;

/// <summary>
/// Fills a database with the demo venue "HQ", its users and this week's bookings. Runs at every start in
/// Development and wherever <c>DemoData:Seed</c> is true; each part is only added when it is missing, so restarts and
/// several instances starting together leave one venue, not several.
/// </summary>
public sealed class DemoVenueSeeder(
    IServiceScopeFactory scopes,
    IDbContextFactory<BookingDbContext> contexts,
    NpgsqlDataSource dataSource,
    BookingEngine engine,
    OperatorAssignments assignments,
    TimeProvider time,
    IOptions<SchedulingOptions> scheduling,
    ILogger<DemoVenueSeeder> logger)
{
    public const string LocationName = "HQ";
    public const string TimeZoneId = "Europe/Berlin";
    public const string Password = "Demo!Booking2026";
    public const double PlanWidth = 1000;
    public const double PlanHeight = 600;

    public static readonly TimeOnly Opens = new(7, 0);
    public static readonly TimeOnly Closes = new(20, 0);

    public static readonly IReadOnlyList<DemoUser> Users =
    [
        new("admin@demo.local", "Ada Admin", Roles.Admin | Roles.Operator | Roles.Staff),
        new("operator@demo.local", "Otto Operator", Roles.Operator | Roles.Staff),
        new("staff@demo.local", "Sam Staff", Roles.Staff),
        new("staff2@demo.local", "Sasha Staff", Roles.Staff),
    ];

    // Distinct from the migrator's key, so seeding never waits for (or blocks) a migration elsewhere.
    private const long AdvisoryLockKey = 0x44656D6F56656E75;

    private static readonly string[] MeetingTitles =
        ["Sprint planning", "Design review", "Team standup", "Retrospective", "Quarterly review", "Product demo",
            "Onboarding session", "Architecture workshop", "Hiring panel", "Budget review", "All-hands prep"];

    private static readonly string[] SmallMeetingTitles = ["1:1", "Customer call", "Interview", "Pairing session", "Coaching"];

    public async Task SeedAsync(CancellationToken ct = default)
    {
        // A transaction-scoped lock: a second instance waits here and then finds everything in place, and a crash
        // releases the lock with the dead session instead of leaving it held.
        await using var lockConnection = await dataSource.OpenConnectionAsync(ct);
        await using var lockTransaction = await lockConnection.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", lockConnection, lockTransaction))
        {
            await take.ExecuteNonQueryAsync(ct);
        }

        var (actors, usersCreated) = await EnsureUsersAsync(ct);
        var (location, resourcesCreated) = await EnsureVenueAsync(ct);
        await EnsureOperatorsAsync(actors, location, ct);
        var bookingsCreated = await EnsureBookingsAsync(location, actors, ct);
        await lockTransaction.CommitAsync(ct);

        logger.LogInformation("Demo venue {Location}: created {Users} users, {Resources} resources, {Bookings} bookings",
            LocationName, usersCreated, resourcesCreated, bookingsCreated);
    }

    private async Task<(IReadOnlyList<Actor> Actors, int Created)> EnsureUsersAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roleManager = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        foreach (var role in RoleNames.All)
        {
            ct.ThrowIfCancellationRequested();
            if (!await roleManager.RoleExistsAsync(role))
            {
                Check(await roleManager.CreateAsync(new IdentityRole(role)), $"role {role}");
            }
        }

        var actors = new List<Actor>();
        var created = 0;
        foreach (var demo in Users)
        {
            ct.ThrowIfCancellationRequested();
            var user = await userManager.FindByEmailAsync(demo.Email);
            if (user is null)
            {
                user = new ApplicationUser { UserName = demo.Email, Email = demo.Email, EmailConfirmed = true, DisplayName = demo.DisplayName };
                Check(await userManager.CreateAsync(user, Password), demo.Email);
                created++;
            }

            // Roles are topped up but never taken away: an admin may have promoted a demo user on purpose.
            foreach (var role in RoleNames.All.Where(r => demo.Roles.HasFlag(Enum.Parse<Roles>(r))))
            {
                if (!await userManager.IsInRoleAsync(user, role))
                {
                    Check(await userManager.AddToRoleAsync(user, role), $"{demo.Email} in {role}");
                }
            }

            actors.Add(new Actor(user.Id, demo.Email, demo.Roles));
        }

        return (actors, created);
    }

    /// <summary>Demo operators look after HQ. Assignments are topped up, never taken away, like roles.</summary>
    private async Task EnsureOperatorsAsync(IReadOnlyList<Actor> actors, Location location, CancellationToken ct)
    {
        foreach (var actor in actors.Where(a => a.Roles.HasFlag(Roles.Operator) && !a.IsAdmin))
        {
            var current = await assignments.GetAsync(actor.UserId, ct);
            if (!current.Contains(location.Id))
            {
                var errors = await assignments.SetAsync(actor.UserId, current.Append(location.Id), ct);
                if (!errors.IsEmpty)
                {
                    throw new InvalidOperationException($"Demo data: could not assign {actor.Email} to {location.Name}: {errors}");
                }
            }
        }
    }

    private async Task<(Location Location, int Created)> EnsureVenueAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.Locations.AsNoTracking().FirstOrDefaultAsync(l => l.Name == LocationName, ct) is { } existing)
        {
            return (existing, 0);
        }

        var weekdays = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };
        var location = new Location(Guid.CreateVersion7(), LocationName, TimeZoneId,
            weekdays.Select(day => new OpeningInterval(day, Opens, Closes)));
        location.SetNoShowGracePeriod(scheduling.Value.DefaultNoShowGracePeriod);
        var ground = new Floor(Guid.CreateVersion7(), location.Id, "Ground floor", 0, PlanWidth, PlanHeight);
        var first = new Floor(Guid.CreateVersion7(), location.Id, "First floor", 1, PlanWidth, PlanHeight);

        var resources = new List<Resource>();
        void Add(Floor floor, ResourceKind kind, string name, int capacity, string[] features, FloorplanShape shape, BookingRules? rules = null) =>
            resources.Add(new Resource(Guid.CreateVersion7(), location.Id, floor.Id, kind, name, capacity, features, shape,
                rules ?? BookingRules.Default));

        var checkIn = new BookingRules { RequiresCheckIn = true };

        // Both floors share one grid: a row of rooms along the top wall, a row of desks in the open space below, and
        // the larger or special spaces along the bottom.
        string[][] groundRooms =
        [
            ["Aurora", "4", "video,whiteboard"], ["Borealis", "6", "projector,whiteboard"], ["Cirrus", "2", "phone"],
            ["Delta", "8", "projector,video,accessible"], ["Echo", "2", "phone,accessible"], ["Fjord", "12", "projector,video,whiteboard,accessible"],
        ];
        string[][] firstRooms =
        [
            ["Galaxy", "10", "projector,whiteboard"], ["Horizon", "6", "video,whiteboard"], ["Iris", "4", "whiteboard"],
            ["Juniper", "3", "phone"], ["Kestrel", "8", "video,accessible"], ["Lumen", "14", "projector,video,whiteboard"],
        ];
        for (var i = 0; i < 6; i++)
        {
            Add(ground, ResourceKind.Room, groundRooms[i][0], int.Parse(groundRooms[i][1]), groundRooms[i][2].Split(','), RoomCell(i),
                groundRooms[i][0] == "Delta" ? checkIn : null);
            Add(first, ResourceKind.Room, firstRooms[i][0], int.Parse(firstRooms[i][1]), firstRooms[i][2].Split(','), RoomCell(i),
                firstRooms[i][0] is "Kestrel" or "Lumen" ? checkIn : null);
        }

        Add(first, ResourceKind.Room, "Boardroom", 20, ["projector", "video", "whiteboard", "accessible", "phone"],
            FloorplanShape.Rectangle(620, 380, 360, 200),
            new BookingRules { RequiresApproval = true, BufferAfter = TimeSpan.FromMinutes(15) });

        for (var i = 0; i < 10; i++)
        {
            Add(i < 5 ? ground : first, ResourceKind.Desk, $"Desk {i + 1}", 1, i == 0 ? ["accessible"] : [], DeskCell(i % 5));
        }

        Add(ground, ResourceKind.Parking, "Parking P1", 1, [], FloorplanShape.Rectangle(700, 460, 120, 120),
            new BookingRules { Horizon = TimeSpan.FromDays(14) });
        Add(ground, ResourceKind.Parking, "Parking P2", 1, ["accessible"], FloorplanShape.Rectangle(850, 460, 120, 120),
            new BookingRules { Horizon = TimeSpan.FromDays(14) });
        Add(ground, ResourceKind.Equipment, "Mobile video cart", 1, ["video"], FloorplanShape.Rectangle(20, 460, 140, 80));

        db.Locations.Add(location);
        db.Floors.AddRange(ground, first);
        db.Resources.AddRange(resources);
        await db.SaveChangesAsync(ct);
        return (location, resources.Count);
    }

    private async Task<int> EnsureBookingsAsync(Location location, IReadOnlyList<Actor> actors, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var days = DemoDays(DateOnly.FromDateTime(location.ToLocal(now).DateTime));
        var windowStart = location.ToUtc(days[0], TimeOnly.MinValue);
        var windowEnd = location.ToUtc(days[^1].AddDays(1), TimeOnly.MinValue);

        List<Resource> resources;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            resources = await db.Resources.AsNoTracking()
                .Where(r => r.LocationId == location.Id && r.IsActive)
                .OrderBy(r => r.Name)
                .ToListAsync(ct);
            var ids = resources.Select(r => r.Id).ToList();
            var alreadyBooked = await db.Allocations.AnyAsync(a => a.BookingId != null && ids.Contains(a.ResourceId)
                && a.BlockedStart < windowEnd && a.BlockedEnd > windowStart, ct);
            if (alreadyBooked)
            {
                return 0;
            }
        }

        var created = 0;
        foreach (var day in days)
        {
            foreach (var plan in PlanDay(day, resources, actors))
            {
                var range = new TimeRange(location.ToUtc(day, plan.Start), location.ToUtc(day, plan.End));
                // The engine refuses the past and closed hours; skipping them here keeps the log free of noise.
                if (range.Start < now || !location.IsOpenThroughout(range))
                {
                    continue;
                }

                var result = await engine.CreateAsync(
                    new CreateBookingCommand([plan.Resource.Id], range.Start, range.End, plan.Title, plan.Attendees), plan.Owner, ct);
                switch (result)
                {
                    case BookingResult.Success:
                        created++;
                        break;
                    case BookingResult.Conflict:
                        // Two plans picked overlapping times in one room; the first one keeps it.
                        break;
                    default:
                        logger.LogWarning("Demo booking {Title} in {Resource} at {Range} was not created: {Result}",
                            plan.Title, plan.Resource.Name, range, result);
                        break;
                }
            }
        }

        return created;
    }

    /// <summary>
    /// The working days still ahead this week; from Friday on, next week's too, so the demo never shows an empty
    /// calendar on a Friday evening or at the weekend.
    /// </summary>
    internal static IReadOnlyList<DateOnly> DemoDays(DateOnly today)
    {
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var days = Enumerable.Range(0, 5).Select(monday.AddDays).Where(d => d >= today).ToList();
        if (today.DayOfWeek is DayOfWeek.Friday or DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            days.AddRange(Enumerable.Range(7, 5).Select(monday.AddDays));
        }

        return days;
    }

    /// <summary>
    /// One day's bookings, the same for a given date on every run: the random source is seeded with the date, and the
    /// whole day is planned before the past is filtered out, so the choices do not depend on the start-up time.
    /// </summary>
    private static List<PlannedBooking> PlanDay(DateOnly day, IReadOnlyList<Resource> resources, IReadOnlyList<Actor> actors)
    {
        var random = new Random(day.DayNumber);
        var rooms = resources.Where(r => r.Kind == ResourceKind.Room && !r.Rules.RequiresApproval).ToList();
        var boardroom = resources.FirstOrDefault(r => r.Kind == ResourceKind.Room && r.Rules.RequiresApproval);
        var desks = resources.Where(r => r.Kind == ResourceKind.Desk).ToList();
        var parking = resources.Where(r => r.Kind == ResourceKind.Parking).ToList();
        // Staff book most; the operator and admin book now and then, as in a real office.
        Actor Owner() => actors[random.Next(10) switch { < 4 => 2, < 8 => 3, 8 => 1, _ => 0 } % actors.Count];

        var plans = new List<PlannedBooking>();
        for (var i = 0; i < 7 && rooms.Count > 0; i++)
        {
            var room = rooms[random.Next(rooms.Count)];
            var attendees = room.Capacity <= 2 ? room.Capacity : random.Next(2, room.Capacity + 1);
            var title = attendees <= 2 ? SmallMeetingTitles[random.Next(SmallMeetingTitles.Length)] : MeetingTitles[random.Next(MeetingTitles.Length)];
            var start = new TimeOnly(8, 0).AddMinutes(30 * random.Next(0, 19));
            var minutes = new[] { 30, 60, 60, 90, 120 }[random.Next(5)];
            // The latest start (17:00) plus the longest meeting still ends well before closing time.
            plans.Add(new PlannedBooking(room, title, attendees, start, start.AddMinutes(minutes), Owner()));
        }

        if (boardroom is not null && random.Next(2) == 0)
        {
            plans.Add(new PlannedBooking(boardroom, "Leadership sync", Math.Min(12, boardroom.Capacity), new TimeOnly(10, 0), new TimeOnly(11, 30),
                actors[1 % actors.Count]));
        }

        foreach (var desk in desks.OrderBy(_ => random.Next()).Take(3))
        {
            var fullDay = random.Next(3) > 0;
            plans.Add(fullDay
                ? new PlannedBooking(desk, "Desk day", 1, new TimeOnly(8, 30), new TimeOnly(17, 0), Owner())
                : new PlannedBooking(desk, "Focus work", 1, new TimeOnly(13, 0), new TimeOnly(17, 30), Owner()));
        }

        if (parking.Count > 0)
        {
            plans.Add(new PlannedBooking(parking[random.Next(parking.Count)], "Parking", 1, new TimeOnly(7, 30), new TimeOnly(17, 30), Owner()));
        }

        return plans;
    }

    private static FloorplanShape RoomCell(int column) => FloorplanShape.Rectangle(20 + column * 160, 20, 140, 160);

    private static FloorplanShape DeskCell(int column) => FloorplanShape.Rectangle(20 + column * 130, 260, 110, 70);

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Demo data: could not create {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    private sealed record PlannedBooking(Resource Resource, string Title, int Attendees, TimeOnly Start, TimeOnly End, Actor Owner);
}

public sealed record DemoUser(string Email, string DisplayName, Roles Roles);

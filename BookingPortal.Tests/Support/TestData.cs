using BookingPortal.Domain.Common;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;

namespace BookingPortal.Tests.Support;

public static class TestData
{
    public static readonly Actor Alice = new("alice", "alice@example.test", Roles.Staff);
    public static readonly Actor Bob = new("bob", "bob@example.test", Roles.Staff);
    public static readonly Actor Operator = new("olga", "olga@example.test", Roles.Staff | Roles.Operator);
    public static readonly Actor Admin = new("ada", "ada@example.test", Roles.Staff | Roles.Admin);

    public static Actor OperatorAt(Location location) => Operator with { OperatorLocations = [location.Id] };

    public static IEnumerable<OpeningInterval> Weekdays(TimeOnly open, TimeOnly close) =>
        new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(d => new OpeningInterval(d, open, close));

    public static IEnumerable<OpeningInterval> AllDayEveryDay() =>
        Enum.GetValues<DayOfWeek>().Select(d => new OpeningInterval(d, TimeOnly.MinValue, TimeOnly.MinValue));

    public static Location Location(string zone = "Europe/Berlin", IEnumerable<OpeningInterval>? hours = null) =>
        new(Guid.CreateVersion7(), "HQ", zone, hours ?? Weekdays(new TimeOnly(7, 0), new TimeOnly(20, 0)));

    public static ResourceBuilder Room(string name = "Room") => new(name);
}

public sealed class ResourceBuilder(string name)
{
    private ResourceKind _kind = ResourceKind.Room;
    private int _capacity = 6;
    private string[] _features = [];
    private BookingRules _rules = BookingRules.Default;
    private Guid _floorId = Guid.Empty;

    public ResourceBuilder Desk()
    {
        _kind = ResourceKind.Desk;
        _capacity = 1;
        return this;
    }

    public ResourceBuilder WithCapacity(int capacity)
    {
        _capacity = capacity;
        return this;
    }

    public ResourceBuilder WithFeatures(params string[] features)
    {
        _features = features;
        return this;
    }

    public ResourceBuilder WithRules(Func<BookingRules, BookingRules> change)
    {
        _rules = change(_rules);
        return this;
    }

    public ResourceBuilder OnFloor(Guid floorId)
    {
        _floorId = floorId;
        return this;
    }

    public Resource Build(Location location) => new(Guid.CreateVersion7(), location.Id, _floorId, _kind, name, _capacity, _features,
        FloorplanShape.Rectangle(0, 0, 10, 10), _rules);
}

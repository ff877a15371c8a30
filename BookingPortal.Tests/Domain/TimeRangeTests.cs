using BookingPortal.Domain.Common;

namespace BookingPortal.Tests.Domain;

public class TimeRangeTests
{
    private static readonly DateTimeOffset Ten = new(2027, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static TimeRange At(int startMinutes, int endMinutes) => new(Ten.AddMinutes(startMinutes), Ten.AddMinutes(endMinutes));

    [Theory]
    [InlineData("exact", 0, 60, true)]
    [InlineData("start overlap", -30, 30, true)]
    [InlineData("end overlap", 30, 90, true)]
    [InlineData("containing", -30, 90, true)]
    [InlineData("contained", 15, 45, true)]
    [InlineData("back to back before", -60, 0, false)]
    [InlineData("back to back after", 60, 120, false)]
    [InlineData("well apart", 120, 180, false)]
    public void Overlap_is_half_open(string _, int start, int end, bool overlaps)
    {
        var booked = At(0, 60);
        Assert.Equal(overlaps, booked.Overlaps(At(start, end)));
        Assert.Equal(overlaps, At(start, end).Overlaps(booked));
    }

    [Fact]
    public void A_range_must_end_after_it_starts()
    {
        Assert.Throws<ArgumentException>(() => At(0, 0));
        Assert.False(TimeRange.TryCreate(Ten, Ten.AddMinutes(-1), out _));
    }

    [Fact]
    public void Ranges_are_held_in_utc()
    {
        var range = new TimeRange(new DateTimeOffset(2027, 3, 1, 11, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.Zero, range.Start.Offset);
        Assert.Equal(Ten, range.Start);
    }

    [Fact]
    public void Widening_adds_buffers_on_both_sides()
    {
        var widened = At(0, 60).Widen(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5));
        Assert.Equal(At(-10, 65), widened);
    }
}

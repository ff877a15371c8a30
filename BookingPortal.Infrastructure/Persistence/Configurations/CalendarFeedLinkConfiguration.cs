using BookingPortal.Infrastructure.Calendars.Feeds;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

/// <summary>The one-live-link-per-feed index is an expression index that lives in the SQL migration only.</summary>
internal sealed class CalendarFeedLinkConfiguration : IEntityTypeConfiguration<CalendarFeedLink>
{
    public void Configure(EntityTypeBuilder<CalendarFeedLink> builder)
    {
        builder.ToTable("calendar_feed_links");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Id).ValueGeneratedNever();
        builder.Property(l => l.UserId).IsRequired();
        builder.Property(l => l.Feed).HasConversion<string>().IsRequired();
        builder.Property(l => l.TokenHash).IsRequired();
        builder.HasIndex(l => l.TokenHash).IsUnique();
    }
}

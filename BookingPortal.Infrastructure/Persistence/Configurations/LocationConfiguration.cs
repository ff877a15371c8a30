using BookingPortal.Domain.Locations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

internal sealed class LocationConfiguration : IEntityTypeConfiguration<Location>
{
    public void Configure(EntityTypeBuilder<Location> builder)
    {
        builder.ToTable("locations");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Id).ValueGeneratedNever();
        builder.Property(l => l.Name).IsRequired();
        builder.Property(l => l.TimeZoneId).IsRequired();
        builder.Property<List<OpeningInterval>>("_openingHours").HasColumnName("opening_hours").AsJson().IsRequired();
        builder.Property<List<Closure>>("_closures").HasColumnName("closures").AsJson().IsRequired();
        builder.Ignore(l => l.OpeningHours);
        builder.Ignore(l => l.Closures);
        builder.Ignore(l => l.TimeZone);
        builder.Ignore(l => l.DomainEvents);
    }
}

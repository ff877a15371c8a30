using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

internal sealed class ResourceConfiguration : IEntityTypeConfiguration<Resource>
{
    public void Configure(EntityTypeBuilder<Resource> builder)
    {
        builder.ToTable("resources");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Name).IsRequired();
        builder.Property(r => r.Kind).HasConversion<string>().IsRequired();
        builder.Property<List<string>>("_features").HasColumnName("features").IsRequired();
        builder.Ignore(r => r.Features);
        builder.Property(r => r.Shape).AsJson().IsRequired();
        builder.ComplexProperty(r => r.Rules, rules =>
        {
            rules.Property(x => x.BufferBefore).HasColumnName("buffer_before");
            rules.Property(x => x.BufferAfter).HasColumnName("buffer_after");
            rules.Property(x => x.MinDuration).HasColumnName("min_duration");
            rules.Property(x => x.MaxDuration).HasColumnName("max_duration");
            rules.Property(x => x.Horizon).HasColumnName("horizon");
            rules.Property(x => x.RequiresApproval).HasColumnName("requires_approval");
            rules.Property(x => x.RequiresCheckIn).HasColumnName("requires_check_in");
        });
        builder.HasOne<Location>().WithMany().HasForeignKey(r => r.LocationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Floor>().WithMany().HasForeignKey(r => r.FloorId).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(r => r.DomainEvents);
    }
}

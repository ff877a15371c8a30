using BookingPortal.Domain.Displays;
using BookingPortal.Domain.Locations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

internal sealed class DisplayLinkConfiguration : IEntityTypeConfiguration<DisplayLink>
{
    public void Configure(EntityTypeBuilder<DisplayLink> builder)
    {
        builder.ToTable("display_links");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.Name).IsRequired();
        builder.Property(d => d.TokenHash).IsRequired();
        builder.Property(d => d.CreatedBy).IsRequired();
        builder.HasIndex(d => d.TokenHash).IsUnique();
        builder.HasOne<Location>().WithMany().HasForeignKey(d => d.LocationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Floor>().WithMany().HasForeignKey(d => d.FloorId).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(d => d.IsRevoked);
        builder.Ignore(d => d.DomainEvents);
    }
}

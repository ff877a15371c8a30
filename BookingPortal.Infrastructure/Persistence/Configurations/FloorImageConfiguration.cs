using BookingPortal.Domain.Locations;
using BookingPortal.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

internal sealed class FloorImageConfiguration : IEntityTypeConfiguration<FloorImage>
{
    public void Configure(EntityTypeBuilder<FloorImage> builder)
    {
        builder.ToTable("floor_images");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.ContentType).IsRequired();
        builder.Property(i => i.Content).IsRequired();
        builder.HasOne<Floor>().WithMany().HasForeignKey(i => i.FloorId).OnDelete(DeleteBehavior.Cascade);
    }
}

using BookingPortal.Domain.Locations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

internal sealed class FloorPlanImageConfiguration : IEntityTypeConfiguration<FloorPlanImage>
{
    public void Configure(EntityTypeBuilder<FloorPlanImage> builder)
    {
        builder.ToTable("floor_plan_images");
        builder.HasKey(i => i.FloorId);
        builder.Property(i => i.FloorId).ValueGeneratedNever();
        builder.Property(i => i.ContentType).IsRequired();
        builder.Property(i => i.Content).IsRequired();
        builder.Property(i => i.Sha256).HasColumnName("sha256").IsRequired();
        builder.Property(i => i.UploadedBy).IsRequired();
        builder.HasOne<Floor>().WithOne().HasForeignKey<FloorPlanImage>(i => i.FloorId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(i => i.Url);
    }
}

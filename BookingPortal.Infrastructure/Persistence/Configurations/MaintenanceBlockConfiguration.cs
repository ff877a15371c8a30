using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

internal sealed class MaintenanceBlockConfiguration : IEntityTypeConfiguration<MaintenanceBlock>
{
    public void Configure(EntityTypeBuilder<MaintenanceBlock> builder)
    {
        builder.ToTable("maintenance_blocks");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Start).HasColumnName("start_utc");
        builder.Property(m => m.End).HasColumnName("end_utc");
        builder.Property(m => m.Reason).IsRequired();
        builder.Property(m => m.CreatedBy).IsRequired();
        builder.HasOne<Resource>().WithMany().HasForeignKey(m => m.ResourceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(m => m.Allocations).WithOne().HasForeignKey(a => a.MaintenanceBlockId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(m => m.Allocations).HasField("_allocations").UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.Ignore(m => m.Range);
        builder.Ignore(m => m.DomainEvents);
    }
}

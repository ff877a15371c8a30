using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Resources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

/// <summary>
/// The exclusion constraint and the generated <c>blocked_range</c> column live in the SQL migration only: EF never
/// writes them, and the engine reads their violation (SQLSTATE 23P01) as a conflict.
/// </summary>
internal sealed class AllocationConfiguration : IEntityTypeConfiguration<Allocation>
{
    public void Configure(EntityTypeBuilder<Allocation> builder)
    {
        builder.ToTable("allocations");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.HasOne<Resource>().WithMany().HasForeignKey(a => a.ResourceId).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(a => a.Blocked);
    }
}

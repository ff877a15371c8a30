using BookingPortal.Domain.Bookings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

internal sealed class BookingHistoryEntryConfiguration : IEntityTypeConfiguration<BookingHistoryEntry>
{
    public void Configure(EntityTypeBuilder<BookingHistoryEntry> builder)
    {
        builder.ToTable("booking_history");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.Id).ValueGeneratedNever();
        builder.Property(h => h.ActorId).IsRequired();
        builder.Property(h => h.Action).IsRequired();
        builder.Property(h => h.FromStatus).HasConversion<string>();
        builder.Property(h => h.ToStatus).HasConversion<string>().IsRequired();
        builder.HasIndex(h => new { h.BookingId, h.At });
    }
}

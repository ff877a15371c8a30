using BookingPortal.Domain.Bookings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

internal sealed class BookingSeriesConfiguration : IEntityTypeConfiguration<BookingSeries>
{
    public void Configure(EntityTypeBuilder<BookingSeries> builder)
    {
        builder.ToTable("booking_series");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.TimeZoneId).IsRequired();
        builder.Property(s => s.FirstStart).HasColumnName("first_start_utc");
        builder.Property(s => s.FirstEnd).HasColumnName("first_end_utc");
        builder.Property(s => s.Frequency).HasConversion<string>().IsRequired();
        builder.Property(s => s.DaysOfWeek).IsRequired();
        builder.Property(s => s.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.HasOne<BookingSeries>().WithMany().HasForeignKey(s => s.SplitFrom).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(s => s.First);
        builder.Ignore(s => s.Rule);
    }
}

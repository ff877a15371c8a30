using BookingPortal.Domain.Bookings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

internal sealed class BookingConfiguration : IEntityTypeConfiguration<Booking>
{
    public void Configure(EntityTypeBuilder<Booking> builder)
    {
        builder.ToTable("bookings");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Id).ValueGeneratedNever();
        builder.Property(b => b.OwnerId).IsRequired();
        builder.Property(b => b.OwnerEmail).IsRequired();
        builder.Property(b => b.Title).IsRequired();
        builder.Property(b => b.Start).HasColumnName("start_utc");
        builder.Property(b => b.End).HasColumnName("end_utc");
        builder.Property(b => b.OccurrenceStart).HasColumnName("occurrence_start_utc");
        builder.Property(b => b.Status).HasConversion<string>().IsRequired();
        builder.Property(b => b.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.HasIndex(b => new { b.OwnerId, b.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL");

        builder.OwnsOne(b => b.Outside, outside =>
        {
            // Stored in the booking's own row, so its key is the booking's id column.
            outside.Property<Guid>("BookingId").HasColumnName("id");
            outside.Property(o => o.Provider).HasColumnName("outside_provider").IsRequired();
            outside.Property(o => o.CalendarId).HasColumnName("outside_calendar_id").IsRequired();
            outside.Property(o => o.ExternalId).HasColumnName("outside_external_id").IsRequired();
            outside.Property(o => o.OrganizerName).HasColumnName("outside_organizer_name");
            outside.Ignore(o => o.ProviderName);
        });

        builder.HasMany(b => b.Allocations).WithOne().HasForeignKey(a => a.BookingId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(b => b.Allocations).HasField("_allocations").UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(b => b.History).WithOne().HasForeignKey(h => h.BookingId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(b => b.History).HasField("_history").UsePropertyAccessMode(PropertyAccessMode.Field);

        builder.Ignore(b => b.Range);
        builder.Ignore(b => b.ResourceIds);
        builder.Ignore(b => b.CheckInOpensAt);
        builder.Ignore(b => b.DomainEvents);
    }
}

using BookingPortal.Domain.Bookings;
using BookingPortal.Infrastructure.Calendars.Invitations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

/// <summary>The outbox and per-entry indexes are partial and expression indexes that live in the SQL migration only.</summary>
internal sealed class CalendarInvitationConfiguration : IEntityTypeConfiguration<CalendarInvitation>
{
    public void Configure(EntityTypeBuilder<CalendarInvitation> builder)
    {
        builder.ToTable("calendar_invitations");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.Email).IsRequired();
        builder.HasOne<Booking>().WithMany().HasForeignKey(i => i.BookingId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(i => i.EntryId);
    }
}

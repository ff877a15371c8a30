using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BookingPortal.Infrastructure.Persistence.Configurations;

/// <summary>The insert trigger that announces new rows on <c>booking_portal_changes</c> lives in the SQL migration only.</summary>
internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).ValueGeneratedNever();
        builder.Property(n => n.UserId).IsRequired();
        builder.Property(n => n.Email).IsRequired();
        builder.Property(n => n.Kind).HasConversion<string>().IsRequired();
        builder.Property(n => n.Subject).IsRequired();
        builder.Property(n => n.Message).IsRequired();
        builder.HasOne<Booking>().WithMany().HasForeignKey(n => n.BookingId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(n => new { n.UserId, n.CreatedAt }).IsDescending(false, true);
    }
}

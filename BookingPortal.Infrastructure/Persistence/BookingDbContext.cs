using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Notifications;
using BookingPortal.Domain.Resources;
using BookingPortal.Infrastructure.Calendars.Invitations;
using BookingPortal.Infrastructure.Identity;
using BookingPortal.Infrastructure.Notifications;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Persistence;

public class BookingDbContext(DbContextOptions<BookingDbContext> options) : IdentityDbContext<ApplicationUser>(options)
{
    public DbSet<Location> Locations => Set<Location>();
    public DbSet<Floor> Floors => Set<Floor>();
    public DbSet<Resource> Resources => Set<Resource>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<Allocation> Allocations => Set<Allocation>();
    public DbSet<MaintenanceBlock> MaintenanceBlocks => Set<MaintenanceBlock>();
    public DbSet<BookingHistoryEntry> BookingHistory => Set<BookingHistoryEntry>();
    public DbSet<Notification> Notifications => Set<Notification>();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        DeleteOrphanedAllocations();
        await StatusChangeNotifications.AddAsync(this, cancellationToken);
        InvitingChanges.Add(this);
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        DeleteOrphanedAllocations();
        StatusChangeNotifications.Add(this);
        InvitingChanges.Add(this);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>
    /// An allocation's owner is optional in the model (a booking or a block), so EF would only null the key of one
    /// removed from its owner's collection; without an owner it means nothing and must go.
    /// </summary>
    private void DeleteOrphanedAllocations()
    {
        ChangeTracker.DetectChanges();
        foreach (var entry in ChangeTracker.Entries<Allocation>())
        {
            if (entry.State == EntityState.Modified && entry.Entity.BookingId is null && entry.Entity.MaintenanceBlockId is null)
            {
                entry.State = EntityState.Deleted;
            }
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BookingDbContext).Assembly);
        SnakeCaseNames.Apply(modelBuilder);
    }
}

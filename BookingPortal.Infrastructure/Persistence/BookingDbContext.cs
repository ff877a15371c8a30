using BookingPortal.Domain.Bookings;
using BookingPortal.Domain.Locations;
using BookingPortal.Domain.Resources;
using Microsoft.EntityFrameworkCore;

namespace BookingPortal.Infrastructure.Persistence;

public class BookingDbContext(DbContextOptions<BookingDbContext> options) : DbContext(options)
{
    public DbSet<Location> Locations => Set<Location>();
    public DbSet<Floor> Floors => Set<Floor>();
    public DbSet<Resource> Resources => Set<Resource>();
    public DbSet<Booking> Bookings => Set<Booking>();
    public DbSet<Allocation> Allocations => Set<Allocation>();
    public DbSet<MaintenanceBlock> MaintenanceBlocks => Set<MaintenanceBlock>();
    public DbSet<BookingHistoryEntry> BookingHistory => Set<BookingHistoryEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BookingDbContext).Assembly);
        SnakeCaseNames.Apply(modelBuilder);
    }
}

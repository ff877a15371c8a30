using BookingPortal.Infrastructure.Bookings;
using BookingPortal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BookingPortal.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddBookingInfrastructure(this IServiceCollection services, string connectionString)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddPooledDbContextFactory<BookingDbContext>(options => options.UseNpgsql(connectionString));
        services.AddSingleton<BookingEngine>();
        return services;
    }
}

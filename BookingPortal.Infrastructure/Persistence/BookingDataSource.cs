using Npgsql;

namespace BookingPortal.Infrastructure.Persistence;

public static class BookingDataSource
{
    /// <summary>
    /// The app's connection settings. EF sends the same few statements over and over (load resources, insert a
    /// booking), so automatic preparation spares PostgreSQL re-planning them unless the connection string says otherwise.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        return NpgsqlDataSource.Create(builder.ConnectionString);
    }
}

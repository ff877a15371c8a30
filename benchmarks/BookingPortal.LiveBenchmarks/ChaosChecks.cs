using Npgsql;

namespace BookingPortal.Benchmarks;

/// <summary>One verdict of the run: its name, how many cases broke it (0 to pass), and examples of them.</summary>
internal sealed record ChaosCheck(string Name, int Failures, IReadOnlyList<string> Examples);

/// <summary>
/// What the database holds after the run, read with plain SQL rather than through the app, against what the clients
/// were told.
/// </summary>
internal static class ChaosChecks
{
    public static async Task<IReadOnlyList<ChaosCheck>> RunAsync(string connectionString, ChaosLedger ledger)
    {
        await using var data = NpgsqlDataSource.Create(connectionString);
        var overlaps = await ListAsync(data, """
            SELECT a.resource_id || ': ' || a.blocked_range || ' and ' || b.blocked_range
            FROM allocations a
            JOIN allocations b ON b.resource_id = a.resource_id AND a.id < b.id AND a.blocked_range && b.blocked_range
            WHERE a.holds AND b.holds
            """);
        var duplicates = await ListAsync(data, """
            SELECT owner_id || ' ' || idempotency_key || ': ' || count(*) || ' bookings'
            FROM bookings
            WHERE idempotency_key IS NOT NULL
            GROUP BY owner_id, idempotency_key
            HAVING count(*) > 1
            """);
        var (missing, lost) = await CompareAcknowledgedAsync(data, ledger);
        return
        [
            new ChaosCheck("overlapping holding allocation rows", overlaps.Count, overlaps),
            new ChaosCheck("acknowledged bookings missing", missing.Count, missing),
            new ChaosCheck("acknowledged states not held", lost.Count, lost),
            new ChaosCheck("duplicates per idempotency key", duplicates.Count + ledger.KeyMismatches.Count, [.. duplicates, .. ledger.KeyMismatches]),
            new ChaosCheck("answers 5xx other than 503", ledger.ServerErrors.Count, [.. ledger.ServerErrors]),
        ];
    }

    /// <summary>
    /// Every acknowledged booking exists, and holds the newest state an answer showed: the same version with the same
    /// status, times and resources, or a newer one only where a write without a clear answer can explain it. A
    /// booking acknowledged as cancelled stays cancelled whatever happened later.
    /// </summary>
    private static async Task<(List<string> Missing, List<string> Lost)> CompareAcknowledgedAsync(NpgsqlDataSource data, ChaosLedger ledger)
    {
        var stored = new Dictionary<Guid, BookingState>();
        await using (var command = data.CreateCommand("""
            SELECT b.id, b.status, b.start_utc, b.end_utc, b.xmin::text::bigint,
                   coalesce(array_agg(a.resource_id ORDER BY a.resource_id) FILTER (WHERE a.resource_id IS NOT NULL), '{}'), b.series_id
            FROM bookings b LEFT JOIN allocations a ON a.booking_id = b.id
            WHERE b.id = ANY($1)
            GROUP BY b.id
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = ledger.Acknowledged.Keys.ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var id = reader.GetGuid(0);
                stored[id] = new BookingState(id, reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetFieldValue<Guid[]>(5), (uint)reader.GetInt64(4), reader.IsDBNull(6) ? null : reader.GetGuid(6));
            }
        }

        var missing = new List<string>();
        var lost = new List<string>();
        foreach (var acknowledged in ledger.Acknowledged.Values)
        {
            if (!stored.TryGetValue(acknowledged.Id, out var now))
            {
                missing.Add($"{acknowledged.Id} ({acknowledged.Status}, version {acknowledged.Version})");
                continue;
            }

            var verdict = acknowledged switch
            {
                { Status: "Cancelled" } when now.Status != "Cancelled" => "was acknowledged as cancelled",
                _ when now.Version < acknowledged.Version => "went back to an older version",
                _ when now.Version == acknowledged.Version && !SameState(now, acknowledged) => "differs at the acknowledged version",
                _ when now.Version > acknowledged.Version && !ledger.ExplainsNewerVersion(acknowledged.Id) => "changed with no request to explain it",
                _ => null,
            };
            if (verdict is not null)
            {
                lost.Add($"{acknowledged.Id} {verdict}: acknowledged {Describe(acknowledged)}, stored {Describe(now)}");
            }
        }

        return (missing, lost);
    }

    private static bool SameState(BookingState a, BookingState b) =>
        a.Status == b.Status && a.Start == b.Start && a.End == b.End && a.ResourceIds.SequenceEqual(b.ResourceIds);

    private static string Describe(BookingState s) => $"{s.Status} {s.Start:O}–{s.End:O} v{s.Version}";

    private static async Task<List<string>> ListAsync(NpgsqlDataSource data, string sql)
    {
        var rows = new List<string>();
        await using var command = data.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}

namespace BookingPortal.Benchmarks;

internal static class Stats
{
    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

    /// <summary>Nearest-rank percentile: always a value that was actually observed.</summary>
    public static double Percentile(IReadOnlyList<double> values, double percent)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>A correctness check failed: the figures would be meaningless, so the run exits non-zero.</summary>
internal sealed class BenchmarkFailedException(string message) : Exception(message);

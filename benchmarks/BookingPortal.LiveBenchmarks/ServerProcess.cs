using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace BookingPortal.Benchmarks;

/// <summary>
/// An app instance in a child process of its own, so that measuring its heap leaves out the Playwright client's
/// bookkeeping for every page and request, which lives in the driving process. The child is this program started with
/// <c>--serve</c>; it answers one command per line on stdin, and its answers start with <see cref="Prefix"/> so they
/// stand out from any log lines.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    public const string ServeArgument = "--serve";
    public const string Prefix = "@@ ";
    private const string ConnectionVariable = "BENCH_SERVE_CONNECTION";

    private readonly Process _process;

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public static async Task<ServerProcess> StartAsync(string connectionString)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark cannot find its own executable.");
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Started through "dotnet", the program itself is the first argument.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        start.ArgumentList.Add(ServeArgument);
        // In the environment rather than on the command line, where the password would be visible to every user.
        start.Environment[ConnectionVariable] = connectionString;
        var process = Process.Start(start) ?? throw new InvalidOperationException("The server process did not start.");
        var ready = await ReadAnswerAsync(process);
        return new ServerProcess(process, new Uri(ready));
    }

    /// <summary>The child's managed heap after full collections, and the idle blocks in Kestrel's pool, in bytes.</summary>
    public async Task<HeapReading> ReadHeapAsync()
    {
        await _process.StandardInput.WriteLineAsync("heap");
        var parts = (await ReadAnswerAsync(_process)).Split(' ');
        return new HeapReading(long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>The <c>--serve</c> side: one app instance until stdin says quit or closes.</summary>
    public static async Task<int> ServeAsync()
    {
        using var pool = new PooledBlocks();
        using var app = BenchApp.Start(Environment.GetEnvironmentVariable(ConnectionVariable)
            ?? throw new InvalidOperationException($"{ConnectionVariable} is not set."));
        Console.WriteLine($"{Prefix}{app.BaseAddress}");
        while (await Console.In.ReadLineAsync() is { } command && command != "quit")
        {
            if (command == "heap")
            {
                var heap = HeapAfterFullCollection();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{heap} {pool.Bytes}"));
            }
        }

        return 0;
    }

    public static long HeapAfterFullCollection()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("quit");
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static async Task<string> ReadAnswerAsync(Process process)
    {
        while (await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120)) is { } line)
        {
            if (line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return line[Prefix.Length..];
            }
        }

        throw new InvalidOperationException("The server process ended without answering.");
    }

    /// <summary>
    /// Bytes idle in the server's block pools, summed from the pools' "pooled" counter (ASP.NET Core 10): they sit on the
    /// heap for the next request of any connection and go back to the runtime when the pool has been idle a while.
    /// </summary>
    private sealed class PooledBlocks : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _bytes;

        public PooledBlocks()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Microsoft.AspNetCore.MemoryPool" && instrument.Name.EndsWith(".pooled", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, change, _, _) => Interlocked.Add(ref _bytes, change));
            _listener.Start();
        }

        public long Bytes => Interlocked.Read(ref _bytes);

        public void Dispose() => _listener.Dispose();
    }
}

/// <summary>One reading of the server: its heap after full collections, and the part of it idle in block pools.</summary>
internal sealed record HeapReading(long Heap, long PooledBlocks);

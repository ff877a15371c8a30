using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BookingPortal.Benchmarks;

/// <summary>
/// Counts what the engine sends to the server (for --profile). Every command and every commit is one round trip
/// with Npgsql, because it sends BEGIN together with the next command.
/// </summary>
internal sealed class CommandCounter : DbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly ConcurrentQueue<string> _texts = new();
    private long _commands;
    private long _commits;
    private long _commandTicks;

    public bool Capture { get; set; }

    public (long Commands, long Commits, TimeSpan InCommands) Snapshot() =>
        (Interlocked.Read(ref _commands), Interlocked.Read(ref _commits), TimeSpan.FromTicks(Interlocked.Read(ref _commandTicks)));

    public IReadOnlyList<string> TakeTexts()
    {
        var texts = new List<string>();
        while (_texts.TryDequeue(out var text))
        {
            texts.Add(text);
        }

        return texts;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        Count(command, eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        Count(command, eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result,
        CancellationToken cancellationToken = default)
    {
        Count(command, eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Count(command, eventData.Duration);
        return Task.CompletedTask;
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _commits);
        return Task.CompletedTask;
    }

    private void Count(DbCommand command, TimeSpan duration)
    {
        Interlocked.Increment(ref _commands);
        Interlocked.Add(ref _commandTicks, duration.Ticks);
        if (Capture)
        {
            _texts.Enqueue(command.CommandText);
        }
    }
}

using System.Text.Json;

namespace BookingPortal.Benchmarks;

/// <summary>The chaos run's summary: what was asked and answered, how long each fault lasted, and the verdicts.</summary>
internal static class ChaosReport
{
    public static void Write(TextWriter output, ChaosLedger ledger, IReadOnlyList<ChaosCheck> checks, IEnumerable<ChaosInstance> instances)
    {
        var answers = ledger.Answers;
        var columns = answers.Keys.Select(k => k.Answer).Distinct().Order(StringComparer.Ordinal).ToList();
        var operations = answers.Keys.Select(k => k.Operation).Distinct().Order(StringComparer.Ordinal).ToList();
        int Count(string operation, string answer) => answers.TryGetValue((operation, answer), out var n) ? n : 0;

        output.WriteLine();
        output.WriteLine($"  | operation | requests | {string.Join(" | ", columns)} |");
        output.WriteLine($"  |---|---|{string.Concat(columns.Select(_ => "---|"))}");
        foreach (var operation in operations)
        {
            output.WriteLine($"  | {operation} | {columns.Sum(c => Count(operation, c))} | {string.Join(" | ", columns.Select(c => Count(operation, c)))} |");
        }

        output.WriteLine($"  | **all** | **{answers.Values.Sum()}** | {string.Join(" | ", columns.Select(c => operations.Sum(o => Count(o, c))))} |");
        // 409 and 412 are the races the run provokes; any other refusal is shown, to tell a client's mistake from the app's.
        foreach (var ((operation, answer), body) in ledger.FirstBodies.Where(b => b.Key.Answer.StartsWith('4') && b.Key.Answer is not ("409" or "412")))
        {
            output.WriteLine($"  first {answer} to {operation}: {body}");
        }

        output.WriteLine($"  {ledger.Retries} create retries with the same Idempotency-Key; {ledger.Acknowledged.Count} bookings acknowledged");

        var marks = ledger.Marks;
        var stopped = marks["postgres stopped"];
        var back = marks["postgres started"];
        var killed = marks["b killed"];
        var ready = marks["b ready"];
        var outage503 = ledger.Window((_, answer) => answer == "503", stopped, killed);
        var firstWriteBack = ledger.FirstAfter(back, (_, answer) => answer is "200" or "201");
        output.WriteLine($"  PostgreSQL down {Seconds(marks["postgres starting"] - stopped)} (stop → start issued), " +
            $"{Seconds(back - stopped)} until it accepted connections again; " +
            (outage503 is { } o ? $"{o.Count} answers 503 from {Seconds(o.First - stopped)} to {Seconds(o.Last - stopped)} after the stop; " : "no 503 answers; ") +
            (firstWriteBack is { } w ? $"first 2xx {Seconds(w - back)} after the restart" : "no 2xx after the restart"));
        var refused = ledger.Window((instance, answer) => instance == "b" && answer == ChaosLedger.ConnectionError, killed, marks["settled"]);
        var firstFromNewB = ledger.FirstAfter(ready, (instance, answer) => instance == "b" && answer != ChaosLedger.ConnectionError);
        output.WriteLine($"  instance b SIGKILLed: {Seconds(ready - killed)} from kill to its replacement ready " +
            $"({Seconds(marks["b starting"] - killed)} down by design, {Seconds(ready - marks["b starting"])} start-up); " +
            (refused is { } r ? $"{r.Count} requests to b without an answer; " : "") +
            (firstFromNewB is { } f ? $"the new b's first API answer {Seconds(f - ready)} after ready" : "no answer from the new b"));
        output.WriteLine($"  load stopped at {Seconds(marks["load stopped"])}, the last retried creates settled {Seconds(marks["settled"] - marks["load stopped"])} later");

        output.WriteLine();
        foreach (var check in checks)
        {
            output.WriteLine($"  {(check.Failures == 0 ? "ok  " : "FAIL")} {check.Failures} {check.Name}");
            foreach (var example in check.Examples.Take(10))
            {
                output.WriteLine($"         {example}");
            }
        }

        // EF logs every refused insert at Error, and refusals by the exclusion constraint are the point of the run;
        // what is worth reading is the app's own errors, which come with their exception.
        var errorLines = instances.SelectMany(i => i.Log.Where(IsErrorLine).Select(line => (i.Name, Line: line))).ToList();
        foreach (var category in errorLines.GroupBy(e => CategoryOf(e.Line)).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  {category.Count()} error log lines from {category.Key}");
        }

        foreach (var (name, line) in errorLines.Where(e => !CategoryOf(e.Line).StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)).Take(5))
        {
            output.WriteLine($"    {name}: {line[..Math.Min(line.Length, 3000)]}");
        }
    }

    private static string CategoryOf(string jsonLine)
    {
        using var entry = JsonDocument.Parse(jsonLine);
        return entry.RootElement.GetProperty("Category").GetString() ?? "?";
    }

    private static bool IsErrorLine(string line) =>
        line.StartsWith('{') && line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal);

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.0} s";
}

using System.Diagnostics;
using System.Text.Json;

namespace BookingPortal.Tests.Support;

/// <summary>
/// Runs <c>redocly lint --extends=recommended</c> (the pinned @redocly/cli from npm) over an OpenAPI document. The
/// CLI is installed once into a directory under the temp folder and reused, so only the first run on a machine pays
/// for the download.
/// </summary>
public static class RedoclyLint
{
    public const string Version = "2.77.0";

    private static readonly string ToolDirectory = Path.Combine(Path.GetTempPath(), "bookingportal-tools", "redocly-cli-" + Version);
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public sealed record Problem(string RuleId, string Severity, string Message, string Location)
    {
        public override string ToString() => $"{Severity} {RuleId} at {Location}: {Message}";
    }

    public sealed record Report(int Errors, int Warnings, IReadOnlyList<Problem> Problems)
    {
        public override string ToString() => $"{Errors} error(s), {Warnings} warning(s)" + string.Concat(Problems.Select(p => "\n  " + p));
    }

    /// <summary>Lints the document text with the recommended rules and returns every problem it reports.</summary>
    public static async Task<Report> LintAsync(string documentJson)
    {
        var cli = await InstallAsync();
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, documentJson);
        try
        {
            var (exitCode, report, log) = await RunAsync("node", [cli, "lint", "--extends=recommended", "--format=json", "--max-problems=1000", file]);
            if (!report.TrimStart().StartsWith('{'))
            {
                throw new InvalidOperationException($"redocly lint (exit code {exitCode}) printed no report: {report}\n{log}");
            }

            using var json = JsonDocument.Parse(report);
            var totals = json.RootElement.GetProperty("totals");
            var problems = json.RootElement.GetProperty("problems").EnumerateArray().Select(p => new Problem(
                p.GetProperty("ruleId").GetString() ?? "",
                p.GetProperty("severity").GetString() ?? "",
                p.GetProperty("message").GetString() ?? "",
                string.Join(", ", p.GetProperty("location").EnumerateArray().Select(l => l.TryGetProperty("pointer", out var pointer) ? pointer.GetString() : null)))).ToList();
            return new Report(totals.GetProperty("errors").GetInt32(), totals.GetProperty("warnings").GetInt32(), problems);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The CLI's entry script, installed on first use with npm (which must be on the PATH).</summary>
    private static async Task<string> InstallAsync()
    {
        var cli = Path.Combine(ToolDirectory, "node_modules", "@redocly", "cli", "bin", "cli.js");
        await InstallGate.WaitAsync();
        try
        {
            if (!File.Exists(cli))
            {
                Directory.CreateDirectory(ToolDirectory);
                var (exitCode, output, log) = await RunAsync("npm",
                    ["install", "--no-audit", "--no-fund", "--no-save", "--prefix", ToolDirectory, $"@redocly/cli@{Version}"]);
                if (exitCode != 0 || !File.Exists(cli))
                {
                    throw new InvalidOperationException($"npm could not install @redocly/cli@{Version} (exit code {exitCode}): {output}\n{log}");
                }
            }

            return cli;
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<(int ExitCode, string Output, string Log)> RunAsync(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // No usage reports or update checks from inside the test suite.
        info.Environment["REDOCLY_TELEMETRY"] = "off";
        info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        info.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingPortal.Infrastructure.Postgres;

/// <summary>
/// A private PostgreSQL cluster run from the machine's server binaries (initdb, pg_ctl), for development and tests
/// where no server is configured.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string OsUser = "postgres";
    private const string Superuser = "postgres";
    private const string PasswordFileName = "password";
    private const string PortFileName = "port";

    // The kernel limits sun_path to 108 bytes including the terminator.
    private const int MaxSocketPathLength = 107;

    private static readonly TimeSpan PgCtlTimeout = TimeSpan.FromSeconds(120);

    private readonly PostgresClusterOptions _options;
    private readonly ILogger _logger;
    private readonly string _binDirectory;
    private readonly string _logFile;
    private readonly bool _runAsPostgres;
    private Process? _watchdog;
    private int _disposed;

    private PostgresCluster(
        PostgresClusterOptions options, ILogger logger, string binDirectory, string root, bool runAsPostgres,
        int port, string password)
    {
        _options = options;
        _logger = logger;
        _binDirectory = binDirectory;
        _runAsPostgres = runAsPostgres;
        RootDirectory = root;
        PgDataDirectory = Path.Combine(root, "pgdata");
        SocketDirectory = Path.Combine(root, "run");
        _logFile = Path.Combine(root, "log", "postgres.log");
        Port = port;
        AdminConnectionString = BuildConnectionString(port, password, "postgres");
        ConnectionString = BuildConnectionString(port, password, options.DatabaseName);
    }

    public int Port { get; }

    /// <summary>Connection string to <see cref="PostgresClusterOptions.DatabaseName"/> as the superuser.</summary>
    public string ConnectionString { get; }

    /// <summary>Connection string to the <c>postgres</c> maintenance database, for creating and dropping databases.</summary>
    public string AdminConnectionString { get; }

    public string RootDirectory { get; }

    public string PgDataDirectory { get; }

    public string SocketDirectory { get; }

    /// <summary>
    /// Finds a folder holding initdb. An explicit setting (<paramref name="configured"/>, then the PG_BIN environment
    /// variable) is used as given and yields null when it has no initdb, so a wrong setting is reported instead of
    /// silently replaced by another installation. Otherwise: <c>pg_config --bindir</c>, then the highest version of
    /// <c>/usr/lib/postgresql/*/bin</c>.
    /// </summary>
    public static string? FindBinDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return HasInitdb(configured) ? Path.GetFullPath(configured) : null;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return HasInitdb(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;
        }

        // Debian's pg_config belongs to the client package and reports /usr/bin, which has no initdb.
        var fromPgConfig = TryPgConfigBinDirectory();
        if (fromPgConfig is not null && HasInitdb(fromPgConfig))
        {
            return fromPgConfig;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot))
        {
            return null;
        }

        return Directory.EnumerateDirectories(debianRoot)
            .Select(dir => (Bin: Path.Combine(dir, "bin"), Version: ParseMajorVersion(Path.GetFileName(dir))))
            .Where(candidate => candidate.Version is not null && HasInitdb(candidate.Bin))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    public static async Task<PostgresCluster> StartAsync(
        PostgresClusterOptions options, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);

        var binDirectory = FindBinDirectory(options.BinDirectory)
            ?? throw new InvalidOperationException(MissingBinariesMessage(options.BinDirectory));
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(
                "The private PostgreSQL cluster runs on Linux and macOS only; set ConnectionStrings__Booking instead.");
        }

        var root = Path.GetFullPath(options.DataDirectory);
        // pg_ctl hands the server options to /bin/sh, where a quote in the path would break the command line.
        if (root.Contains('\'', StringComparison.Ordinal) || root.Contains('"', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The PostgreSQL cluster folder '{root}' must not contain quotes.");
        }

        var runAsPostgres = IsRoot();
        logger.LogInformation(
            "Starting {Kind} PostgreSQL cluster in {Folder} with binaries from {BinDirectory}{AsUser}",
            options.Persistent ? "persistent" : "throwaway", root, binDirectory,
            runAsPostgres ? " (as OS user postgres, because PostgreSQL refuses to run as root)" : "");

        var createdRoot = !Directory.Exists(root);
        try
        {
            return await StartInFolderAsync(options, logger, binDirectory, root, runAsPostgres, ct).ConfigureAwait(false);
        }
        catch when (createdRoot)
        {
            // A failed first start leaves nothing behind, so fixing the cause and retrying starts clean.
            DeleteFolder(root, logger);
            throw;
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task<PostgresCluster> StartInFolderAsync(
        PostgresClusterOptions options, ILogger logger, string binDirectory, string root, bool runAsPostgres,
        CancellationToken ct)
    {
        var pgData = Path.Combine(root, "pgdata");
        var alreadyInitialized = File.Exists(Path.Combine(pgData, "PG_VERSION"));
        if (alreadyInitialized && !options.Persistent)
        {
            throw new InvalidOperationException(
                $"'{root}' already holds a PostgreSQL cluster; a throwaway cluster needs a fresh folder.");
        }

        Directory.CreateDirectory(root);
        if (runAsPostgres)
        {
            // The folder stays root's (it holds the password file) but the server must reach the subfolders.
            File.SetUnixFileMode(root, File.GetUnixFileMode(root)
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            await EnsureTraversableByPostgresAsync(root, logger, ct).ConfigureAwait(false);
        }

        var socketDirectory = Path.Combine(root, "run");
        var socketPath = Path.Combine(socketDirectory, ".s.PGSQL.65535");
        if (Encoding.UTF8.GetByteCount(socketPath) > MaxSocketPathLength)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL cluster folder '{root}' is too deep: the unix socket path '{socketPath}' " +
                $"would exceed {MaxSocketPathLength} bytes. Choose a shorter folder.");
        }

        foreach (var dir in new[] { pgData, socketDirectory, Path.Combine(root, "log") })
        {
            await EnsurePrivateDirectoryAsync(dir, runAsPostgres, logger, ct).ConfigureAwait(false);
        }

        var passwordFile = Path.Combine(root, PasswordFileName);
        string password;
        if (alreadyInitialized)
        {
            if (!File.Exists(passwordFile))
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL cluster in '{root}' has no '{PasswordFileName}' file, so it cannot be " +
                    "connected to. Delete the folder to start from a fresh cluster.");
            }

            password = (await File.ReadAllTextAsync(passwordFile, ct).ConfigureAwait(false)).Trim();
        }
        else
        {
            password = RandomNumberGenerator.GetHexString(32, lowercase: true);
            await WriteOwnerOnlyFileAsync(passwordFile, password, ct).ConfigureAwait(false);
            await InitDbAsync(binDirectory, pgData, socketDirectory, password, options.Persistent, runAsPostgres, logger, ct)
                .ConfigureAwait(false);
        }

        var runningPort = options.Persistent
            ? await FindRunningPostmasterPortAsync(binDirectory, pgData, runAsPostgres, logger, ct).ConfigureAwait(false)
            : null;

        PostgresCluster cluster;
        if (runningPort is int port)
        {
            if (options.Port is int wanted && wanted != port)
            {
                logger.LogWarning(
                    "PostgreSQL in {PgData} is already running on port {Port}, not on the requested port {Requested}",
                    pgData, port, wanted);
            }

            logger.LogInformation("Reusing the PostgreSQL server already running in {PgData} on port {Port}", pgData, port);
            cluster = new PostgresCluster(options, logger, binDirectory, root, runAsPostgres, port, password);
        }
        else
        {
            cluster = await StartServerAsync(options, logger, binDirectory, root, runAsPostgres, password, ct)
                .ConfigureAwait(false);
        }

        try
        {
            await File.WriteAllTextAsync(
                Path.Combine(root, PortFileName), cluster.Port.ToString(CultureInfo.InvariantCulture), ct)
                .ConfigureAwait(false);
            if (options.StopWhenProcessExits)
            {
                cluster.StartWatchdog();
            }

            await EnsureDatabaseAsync(cluster.AdminConnectionString, options.DatabaseName, ct).ConfigureAwait(false);
            logger.LogInformation(
                "PostgreSQL is ready on 127.0.0.1:{Port}, database {Database}", cluster.Port, options.DatabaseName);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates database <paramref name="name"/> in this cluster unless it exists; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string name, CancellationToken ct = default) =>
        EnsureDatabaseAsync(AdminConnectionString, name, ct);

    /// <summary>
    /// Creates database <paramref name="name"/> unless it exists, on the server of
    /// <paramref name="serverConnectionString"/> (any database of it), and returns a connection string to it.
    /// </summary>
    public static async Task<string> EnsureDatabaseAsync(
        string serverConnectionString, string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var target = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;

        // Keeps the maintenance connection out of the pool: a pooled idle session in the target database's template
        // or in the database itself would block a later CREATE/DROP DATABASE.
        var admin = new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(ct).ConfigureAwait(false);

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
            {
                return target;
            }
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(name)}", connection);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another process created it between our check and our CREATE, which is just as good.
        }

        return target;
    }

    /// <summary>Stops the server (fast shutdown: open sessions are rolled back); the data stays.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        _logger.LogInformation("Stopping PostgreSQL in {PgData}", PgDataDirectory);
        NpgsqlConnection.ClearAllPools();
        var result = await RunPgToolAsync(
            _binDirectory, "pg_ctl", ["-D", PgDataDirectory, "-m", "fast", "-w", "-t", TimeoutSeconds, "stop"],
            _runAsPostgres, PgDataDirectory, _logger, ct).ConfigureAwait(false);
        // "Is server running?" means there was nothing to stop, which is what we wanted.
        if (result.ExitCode != 0 && !result.Output.Contains("Is server running?", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"pg_ctl stop failed: {result.Output}");
        }
    }

    /// <summary>Restarts the server with the options it was started with, as a crash-free restart of production would.</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        _logger.LogInformation("Restarting PostgreSQL in {PgData}", PgDataDirectory);
        NpgsqlConnection.ClearAllPools();
        var result = await RunPgToolAsync(
            _binDirectory, "pg_ctl",
            ["-D", PgDataDirectory, "-m", "fast", "-w", "-t", TimeoutSeconds, "-l", _logFile, "restart"],
            _runAsPostgres, PgDataDirectory, _logger, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"pg_ctl restart failed: {result.Output}{Environment.NewLine}{ReadLogTail(_logFile)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or Win32Exception)
        {
            _logger.LogWarning(e, "Could not stop PostgreSQL in {PgData}", PgDataDirectory);
        }

        StopWatchdog();

        if (!_options.Persistent)
        {
            DeleteFolder(RootDirectory, _logger);
        }
    }

    private static string TimeoutSeconds => ((int)PgCtlTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static async Task<PostgresCluster> StartServerAsync(
        PostgresClusterOptions options, ILogger logger, string binDirectory, string root, bool runAsPostgres,
        string password, CancellationToken ct)
    {
        // A port probed free can be taken before the server binds it; only a port we picked ourselves may be retried.
        var attempts = options.Port is null ? 3 : 1;
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port ?? PickPort(root, options.Persistent, logger);
            var cluster = new PostgresCluster(options, logger, binDirectory, root, runAsPostgres, port, password);
            var serverOptions = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"-p {port} -k '{cluster.SocketDirectory}'")
                .Append(" -c listen_addresses=127.0.0.1")
                .Append(CultureInfo.InvariantCulture, $" -c max_connections={options.MaxConnections}");
            if (!options.Persistent)
            {
                // Durability is pointless for a cluster that is deleted afterwards, and costs seconds per test run.
                serverOptions.Append(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            }

            logger.LogInformation("Starting PostgreSQL on 127.0.0.1:{Port}, log in {LogFile}", port, cluster._logFile);
            var result = await RunPgToolAsync(
                binDirectory, "pg_ctl",
                ["-D", cluster.PgDataDirectory, "-l", cluster._logFile, "-w", "-t", TimeoutSeconds,
                    "-o", serverOptions.ToString(), "start"],
                runAsPostgres, cluster.PgDataDirectory, logger, ct).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                return cluster;
            }

            var log = ReadLogTail(cluster._logFile);

            // pg_ctl gives up waiting after its timeout while a slow server may still come up, unowned by anyone.
            await RunPgToolAsync(
                binDirectory, "pg_ctl", ["-D", cluster.PgDataDirectory, "-m", "immediate", "stop"],
                runAsPostgres, cluster.PgDataDirectory, logger, CancellationToken.None).ConfigureAwait(false);

            if (attempt < attempts && log.Contains("already in use", StringComparison.OrdinalIgnoreCase))
            {
                logger.LogWarning("Port {Port} was taken before PostgreSQL could bind it; trying another", port);
                continue;
            }

            throw new InvalidOperationException(
                $"PostgreSQL in '{cluster.PgDataDirectory}' failed to start: {result.Output}{Environment.NewLine}{log}");
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task InitDbAsync(
        string binDirectory, string pgData, string privateDirectory, string password, bool persistent,
        bool runAsPostgres, ILogger logger, CancellationToken ct)
    {
        logger.LogInformation("Initializing a new PostgreSQL cluster in {PgData}", pgData);

        // initdb runs as the postgres user and cannot read the root-only password file, so it gets its own copy.
        var pwFile = Path.Combine(privateDirectory, "initdb.pw");
        await WriteOwnerOnlyFileAsync(pwFile, password, ct).ConfigureAwait(false);
        try
        {
            if (runAsPostgres)
            {
                await ChownToPostgresAsync(pwFile, logger, ct).ConfigureAwait(false);
            }

            List<string> args =
            [
                "-D", pgData, "-U", Superuser, "-E", "UTF8", "--locale=C", "--auth=scram-sha-256",
                $"--pwfile={pwFile}",
            ];
            if (!persistent)
            {
                args.Add("--no-sync");
            }

            var result = await RunPgToolAsync(binDirectory, "initdb", args, runAsPostgres, pgData, logger, ct)
                .ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed for '{pgData}': {result.Output}");
            }
        }
        finally
        {
            File.Delete(pwFile);
        }
    }

    /// <summary>
    /// Returns the port of a server already running on <paramref name="pgData"/>, and clears a stale
    /// postmaster.pid left by a crash so that the next start does not trip over it.
    /// </summary>
    private static async Task<int?> FindRunningPostmasterPortAsync(
        string binDirectory, string pgData, bool runAsPostgres, ILogger logger, CancellationToken ct)
    {
        var pidFile = Path.Combine(pgData, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        var status = await RunPgToolAsync(
            binDirectory, "pg_ctl", ["-D", pgData, "status"], runAsPostgres, pgData, logger, ct).ConfigureAwait(false);
        if (status.ExitCode == 0)
        {
            // postmaster.pid: pid, data directory, start time, port, socket directory, listen address, shmem key, status.
            var lines = await File.ReadAllLinesAsync(pidFile, ct).ConfigureAwait(false);
            if (lines.Length > 3 && int.TryParse(lines[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                return port;
            }

            throw new InvalidOperationException(
                $"PostgreSQL is running in '{pgData}' but its postmaster.pid names no port; stop it with pg_ctl.");
        }

        logger.LogWarning("Removing stale {PidFile}: its server is no longer running", pidFile);
        File.Delete(pidFile);
        return null;
    }

    private static int PickPort(string root, bool persistent, ILogger logger)
    {
        var portFile = Path.Combine(root, PortFileName);
        if (persistent && File.Exists(portFile)
            && int.TryParse(File.ReadAllText(portFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var stored)
            && stored is > 0 and <= 65535)
        {
            if (IsPortFree(stored))
            {
                return stored;
            }

            logger.LogInformation("Port {Port} of the last run is taken now; picking another", stored);
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// The server runs as the postgres user, so every folder above the cluster's must let that user pass:
    /// a cluster under /root would fail deep inside pg_ctl with a confusing message otherwise.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    private static async Task EnsureTraversableByPostgresAsync(string root, ILogger logger, CancellationToken ct)
    {
        var check = await RunAsync(
            "test", ["-x", root], asPostgres: true, workingDirectory: "/", logger, ct).ConfigureAwait(false);
        if (check.ExitCode == 0)
        {
            return;
        }

        var blocking = root;
        for (var dir = new DirectoryInfo(root); dir is not null; dir = dir.Parent)
        {
            if ((File.GetUnixFileMode(dir.FullName) & UnixFileMode.OtherExecute) == 0)
            {
                blocking = dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"The PostgreSQL cluster folder '{root}' is not reachable by the OS user '{OsUser}', which the server " +
            $"runs as because PostgreSQL refuses to run as root ('{blocking}' is closed to other users). " +
            "Choose a folder such as /work/... or /tmp/..., or set ConnectionStrings__Booking to an existing server.");
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task EnsurePrivateDirectoryAsync(
        string path, bool runAsPostgres, ILogger logger, CancellationToken ct)
    {
        Directory.CreateDirectory(path);
        // PostgreSQL refuses a data directory that others can read.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (runAsPostgres)
        {
            await ChownToPostgresAsync(path, logger, ct).ConfigureAwait(false);
        }
    }

    private static async Task ChownToPostgresAsync(string path, ILogger logger, CancellationToken ct)
    {
        var result = await RunAsync("chown", [$"{OsUser}:{OsUser}", path], asPostgres: false, "/", logger, ct)
            .ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Could not hand '{path}' to the OS user '{OsUser}': {result.Output}");
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task WriteOwnerOnlyFileAsync(string path, string content, CancellationToken ct)
    {
        // Created with its final mode, so the secret is never readable by others even for a moment.
        var fileOptions = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        await using var stream = new FileStream(path, fileOptions);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(content.AsMemory(), ct).ConfigureAwait(false);
    }

    private void StartWatchdog()
    {
        var pgCtl = Path.Combine(_binDirectory, "pg_ctl");
        var stop = _runAsPostgres
            ? $"{string.Join(' ', RunAsPostgresPrefix())} '{pgCtl}' -D '{PgDataDirectory}' -m immediate -w stop"
            : $"'{pgCtl}' -D '{PgDataDirectory}' -m immediate -w stop";
        var cleanup = _options.Persistent ? "" : $"; rm -rf '{RootDirectory}'";
        var script =
            "exec </dev/null >/dev/null 2>&1; " +
            $"while kill -0 {Environment.ProcessId}; do sleep 1; done; {stop}{cleanup}";

        // setsid keeps the watchdog alive when the host kills its whole process group.
        var info = File.Exists("/usr/bin/setsid")
            ? new ProcessStartInfo("/usr/bin/setsid") { ArgumentList = { "/bin/sh", "-c", script } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", script } };
        info.UseShellExecute = false;
        info.WorkingDirectory = "/";
        _watchdog = Process.Start(info);
        _logger.LogDebug("Watchdog {Pid} stops PostgreSQL if this process dies", _watchdog?.Id);
    }

    private void StopWatchdog()
    {
        var watchdog = Interlocked.Exchange(ref _watchdog, null);
        if (watchdog is null)
        {
            return;
        }

        try
        {
            if (!watchdog.HasExited)
            {
                watchdog.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Exited in the meantime.
        }
        finally
        {
            watchdog.Dispose();
        }
    }

    private static void DeleteFolder(string path, ILogger logger)
    {
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The postmaster's last children can still be writing for a moment after pg_ctl stop returns.
                if (attempt == 5)
                {
                    logger.LogWarning(e, "Could not delete the throwaway PostgreSQL folder {Folder}", path);
                }
                else
                {
                    Thread.Sleep(200 * attempt);
                }
            }
        }
    }

    private static string MissingBinariesMessage(string? configured)
    {
        var pgBin = Environment.GetEnvironmentVariable("PG_BIN");
        var tried = !string.IsNullOrWhiteSpace(configured) ? $"the configured PG_BIN '{configured}'"
            : !string.IsNullOrWhiteSpace(pgBin) ? $"the PG_BIN environment variable '{pgBin}'"
            : "pg_config --bindir and /usr/lib/postgresql/*/bin";
        return "No PostgreSQL server binaries (initdb, pg_ctl) were found in " + tried + ", and no database " +
            "connection string is configured. Either install the PostgreSQL server (apt-get install postgresql), " +
            "or set PG_BIN to the folder holding initdb, or point the app at an existing server with " +
            "ConnectionStrings__Booking=\"Host=...;Database=booking;Username=...;Password=...\".";
    }

    private static string BuildConnectionString(int port, string password, string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = Superuser,
            Password = password,
            Database = database,
        }.ConnectionString;

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static bool HasInitdb(string directory) => File.Exists(Path.Combine(directory, "initdb"));

    private static Version? ParseMajorVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version)
            ? version
            : null;

    private static string? TryPgConfigBinDirectory()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            return process.WaitForExit(5000) && process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (Win32Exception)
        {
            return null;
        }
    }

    private static string ReadLogTail(string logFile)
    {
        try
        {
            return File.Exists(logFile)
                ? string.Join(Environment.NewLine, File.ReadLines(logFile).TakeLast(20))
                : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static bool IsRoot()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            return geteuid() == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return Environment.UserName == "root";
        }
    }

    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();

    /// <summary>The command that runs the rest of a command line as the postgres OS user (we are root here).</summary>
    private static string[] RunAsPostgresPrefix()
    {
        var runuser = new[] { "/usr/sbin/runuser", "/sbin/runuser" }.FirstOrDefault(File.Exists);
        if (runuser is not null)
        {
            return [runuser, "-u", OsUser, "--"];
        }

        var setpriv = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "Neither runuser nor setpriv is installed, so the server cannot be run as the postgres OS user " +
                "(PostgreSQL refuses to run as root). Install util-linux, or set ConnectionStrings__Booking.");
        return [setpriv, $"--reuid={OsUser}", $"--regid={OsUser}", "--init-groups", "--"];
    }

    private static Task<(int ExitCode, string Output)> RunPgToolAsync(
        string binDirectory, string tool, IReadOnlyList<string> args, bool runAsPostgres, string workingDirectory,
        ILogger logger, CancellationToken ct) =>
        // pg tools complain when they cannot read the current directory, so they start inside a folder they own.
        RunAsync(Path.Combine(binDirectory, tool), args, runAsPostgres,
            Directory.Exists(workingDirectory) ? workingDirectory : "/", logger, ct);

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IReadOnlyList<string> args, bool asPostgres, string workingDirectory, ILogger logger,
        CancellationToken ct)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        string[] commandLine = asPostgres ? [.. RunAsPostgresPrefix(), fileName, .. args] : [fileName, .. args];
        info.FileName = commandLine[0];
        foreach (var arg in commandLine.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        logger.LogDebug("Running {Command} {Arguments}", info.FileName, string.Join(' ', info.ArgumentList));
        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = ((await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false))).Trim();
        logger.LogDebug("{Command} exited with {ExitCode}: {Output}", Path.GetFileName(fileName), process.ExitCode, output);
        return (process.ExitCode, output);
    }
}

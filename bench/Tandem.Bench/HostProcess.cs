using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tandem.Bench;

/// <summary>
/// The built host (<c>src/Tandem.Host</c> output, <c>dotnet Tandem.Host.dll</c>) running as a separate process on a
/// free loopback port, in the Production environment, with rate limits off and no demo data. Its CPU time is
/// the process's own, so a scenario can report CPU per operation without counting the load generator.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    public const string SandboxSecret = "bench-sandbox-secret";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataDirectory;
    private readonly bool _ownsDataDirectory;
    private IDisposable? _cleanup;

    private HostProcess(Process process, Uri baseAddress, string dataDirectory, bool ownsDataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        _dataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public Uri BaseAddress { get; }

    /// <summary>Where the host keeps its SQLite file (<c>tandem.db</c>) and other local state.</summary>
    public string DataDirectory => _dataDirectory;

    public string SqliteFile => Path.Combine(_dataDirectory, "tandem.db");

    /// <summary>CPU time the host process has used so far (all its threads).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The last lines the host wrote, for when something goes wrong.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the host on SQLite (in a fresh temp data directory) or PostgreSQL and waits until <c>/health/ready</c> answers 200.</summary>
    public static async Task<HostProcess> StartAsync(BenchDatabase database, IEnumerable<KeyValuePair<string, string>>? extraSettings = null, CancellationToken ct = default)
    {
        var hostDll = FindHostDll();
        var port = FreePort();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tandem-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);

        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Tandem:DataDirectory"] = dataDirectory,
            ["Tandem:Database:Provider"] = database.Provider == BenchProvider.Postgres ? "Postgres" : "Sqlite",
            ["Tandem:RateLimits:Enabled"] = "false",
            ["Tandem:SeedDemo"] = "false",
            ["Tandem:Payments:Sandbox:Secret"] = SandboxSecret,
            ["Tandem:Payments:Sandbox:AutoApprove"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        if (database.Provider == BenchProvider.Postgres)
        {
            settings["ConnectionStrings:Tandem"] = database.ConnectionString;
        }

        foreach (var (key, value) in extraSettings ?? [])
        {
            settings[key] = value;
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{port}"), dataDirectory, ownsDataDirectory: true);
        host._cleanup = BenchCleanup.Register($"stop the host (process {process.Id}) and delete {dataDirectory}", () => host.DisposeAsync().AsTask());
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), ct);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var started = Stopwatch.StartNew();
        while (started.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync("/health/ready", ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Slow start.
            }

            await Task.Delay(200, ct);
        }

        throw new TimeoutException($"The host was not ready within {timeout}:\n{Output}");
    }

    /// <summary>Stops the host: SIGTERM for a graceful shutdown, then kill if it lingers.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // Fall through to kill.
            }
        }

        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        if (_ownsDataDirectory)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }

        _cleanup?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length > 64_000)
            {
                _output.Remove(0, 32_000);
            }

            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The host built in the same configuration as this benchmark (the project reference builds it).</summary>
    private static string FindHostDll()
    {
#if DEBUG
        string[] configurations = ["Debug", "Release"];
#else
        string[] configurations = ["Release", "Debug"];
#endif
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Tandem.slnx")))
            {
                continue;
            }

            foreach (var configuration in configurations)
            {
                var candidate = Path.Combine(dir.FullName, "src", "Tandem.Host", "bin", configuration, "net10.0", "Tandem.Host.dll");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("src/Tandem.Host is not built: run 'dotnet build -c Release src/Tandem.Host'.");
        }

        throw new FileNotFoundException("Tandem.slnx not found above " + AppContext.BaseDirectory);
    }
}

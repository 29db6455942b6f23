using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Mlops.Local.Toolchain;

/// <summary>How to run Azurite.</summary>
public sealed record AzuriteOptions
{
    /// <summary>Where Azurite keeps its data; null keeps everything in memory (tests).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Fixed ports (mlops azurite); 0 lets the OS choose free ones, which is what tests want.</summary>
    public int BlobPort { get; init; }

    public int QueuePort { get; init; }

    public int TablePort { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long Azurite may take to close after SIGTERM before it is killed.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// One Azurite process (Blob, Queue and Table) on loopback, started from the pinned npm package and stopped by
/// its PID. Azurite binds the ports itself (port 0 = any free port) and prints them, so there is no window in
/// which a probed "free" port can be taken by someone else.
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's fixed development account. Public and documented; not a secret.</summary>
    public const string AccountName = "devstoreaccount1";

    private const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly TimeSpan _stopGracePeriod;
    private readonly StringBuilder _output;
    private int _stopped;

    private AzuriteServer(Process process, TimeSpan stopGracePeriod, StringBuilder output, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _stopGracePeriod = stopGracePeriod;
        _output = output;
        BlobEndpoint = new Uri($"http://127.0.0.1:{blobPort}/{AccountName}");
        QueueEndpoint = new Uri($"http://127.0.0.1:{queuePort}/{AccountName}");
        TableEndpoint = new Uri($"http://127.0.0.1:{tablePort}/{AccountName}");
    }

    public Uri BlobEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public Uri TableEndpoint { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    /// <summary>Installs the npm toolchain if needed, starts Azurite and returns once all three services listen.</summary>
    public static async Task<AzuriteServer> StartAsync(
        NodeToolchain toolchain, AzuriteOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(toolchain);
        ArgumentNullException.ThrowIfNull(options);
        await toolchain.EnsureInstalledAsync(cancellationToken);
        foreach (var (service, port) in new[] { ("blob", options.BlobPort), ("queue", options.QueuePort), ("table", options.TablePort) })
        {
            if (port != 0 && !IsPortFree(port))
            {
                throw new ToolchainException(
                    $"Port {port} on 127.0.0.1 (Azurite {service}) is already in use, perhaps by another Azurite. " +
                    $"Stop that process (ss -ltnp 'sport = :{port}' shows it) or choose other ports.");
            }
        }

        var startInfo = BuildStartInfo(toolchain.Directory, options);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var output = new StringBuilder();
        var ports = new Dictionary<string, int>();
        var allListening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
                var match = ListeningLine().Match(line);
                if (match.Success)
                {
                    ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value);
                    if (ports.Count == 3)
                    {
                        allListening.TrySetResult();
                    }
                }
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new ToolchainException(ProcessRunner.MissingProgramMessage("node"), ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new AzuriteServer(process, options.StopGracePeriod, output, 0, 0, 0);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.StartTimeout);
            var exited = process.WaitForExitAsync(timeout.Token);
            var first = await Task.WhenAny(allListening.Task, exited);
            if (first != allListening.Task)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new ToolchainException(process.HasExited
                    ? $"Azurite exited with code {process.ExitCode} while starting:{Environment.NewLine}{Describe(output)}"
                    : $"Azurite did not report listening within {options.StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{Describe(output)}");
            }
        }
        catch
        {
            await server.StopAsync();
            throw;
        }

        var started = new AzuriteServer(process, options.StopGracePeriod, output, ports["Blob"], ports["Queue"], ports["Table"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => started.KillNow();
        return started;
    }

    /// <summary>SIGTERM, wait for the grace period, then SIGKILL the process tree: Azurite can linger on SIGTERM.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1 || _process.HasExited)
        {
            return;
        }

        _ = SendSignal(_process.Id, SigTerm);
        using var grace = new CancellationTokenSource(_stopGracePeriod);
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    /// <summary>What Azurite printed so far (for diagnostics).</summary>
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

    private void KillNow()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static ProcessStartInfo BuildStartInfo(ToolchainDirectory directory, AzuriteOptions options)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            directory.PackageFile("azurite", "dist", "src", "azurite.js"),
            "--blobHost", "127.0.0.1", "--blobPort", options.BlobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", options.QueuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", options.TablePort.ToString(),
            // Azure.Storage.Blobs sends a newer service version than Azurite knows.
            "--skipApiVersionCheck",
            "--disableTelemetry",
            "--silent",
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (options.DataDirectory is null)
        {
            startInfo.ArgumentList.Add("--inMemoryPersistence");
            startInfo.ArgumentList.Add("--extentMemoryLimit");
            startInfo.ArgumentList.Add("1024");
        }
        else
        {
            Directory.CreateDirectory(options.DataDirectory);
            startInfo.ArgumentList.Add("--location");
            startInfo.ArgumentList.Add(Path.GetFullPath(options.DataDirectory));
        }

        return startInfo;
    }

    private static bool IsPortFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Describe(StringBuilder output)
    {
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        return text.Contains("EADDRINUSE", StringComparison.Ordinal)
            ? text + "A port Azurite needs is in use: stop the other process or choose other ports."
            : text;
    }

    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}

using Microsoft.Extensions.Options;
using Mlops.Local.Toolchain;
using Mlops.Registry;
using Mlops.Scoring.Hosting;
using Mlops.Scoring.Model;

namespace Mlops.ScoringBench;

/// <summary>
/// <c>serve</c>: Azurite (in memory) + the model registry + the flights model registered as version 1, then the
/// real scoring app (<see cref="ScoringApp.Create"/>) on 127.0.0.1 with the bench endpoints mapped beside /score.
/// Writes the request bodies for wrk, one JSON body per line: <c>single.txt</c> (one row each) and
/// <c>batch100.txt</c> (100 rows each), all from the model's holdout rows.
/// </summary>
internal static class BenchServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var port = Args.Int(args, "--port", 5080);
        var output = Args.String(args, "--out", Path.Combine(Path.GetTempPath(), "mlops-scoring-bench"));
        var extra = Args.Settings(args);

        var toolchain = ToolchainDirectory.Locate();
        await using var azurite = await AzuriteServer.StartAsync(new NodeToolchain(toolchain), new AzuriteOptions());
        using var model = await BenchModel.TrainAsync(toolchain, Args.OptionalInt(args, "--iterations"));
        var registry = new ModelRegistry(azurite.ConnectionString);
        var version = (await registry.RegisterAsync(model.Directory, "scoring-bench")).Version;
        WriteBodies(model, output);

        var settings = new Dictionary<string, string?>
        {
            ["Registry:ConnectionString"] = azurite.ConnectionString,
            ["Scoring:ModelName"] = "flights",
            ["Scoring:ModelVersion"] = version.ToString(),
            ["Scoring:SlotName"] = "bench",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        await using var app = ScoringApp.Create(["--urls", $"http://127.0.0.1:{port}"], settings);
        var bench = BenchEndpoints.Map(app);
        await app.StartAsync();
        var host = app.Services.GetRequiredService<ModelHost>();
        await host.Settled.WaitAsync(TimeSpan.FromMinutes(2));
        if (host.Serving is not { } serving)
        {
            await Console.Error.WriteLineAsync($"The scoring app is not ready: {host.NotReadyReason}");
            return 1;
        }

        var options = app.Services.GetRequiredService<IOptions<ScoringOptions>>().Value;
        bench.SetReady(serving, model.ModelZip);
        Console.WriteLine($"READY http://127.0.0.1:{port} model {serving.Model.Name} v{serving.Model.Version}; " +
            $"batching {(options.Batching.Enabled ? $"on (≤{options.Batching.MaxRowsPerRequest} rows/request, ≤{options.Batching.MaxBatchRows} rows/call, delay {options.Batching.MaxQueueDelayMilliseconds} ms)" : "off")}; " +
            $"{Environment.ProcessorCount} processor(s); bodies in {output}");
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static void WriteBodies(BenchModel model, string output)
    {
        Directory.CreateDirectory(output);
        File.WriteAllLines(Path.Combine(output, "single.txt"), BenchModel.SingleRowBodies(model.Model.Holdout));
        File.WriteAllLines(Path.Combine(output, "batch100.txt"), BenchModel.BatchBodies(model.Model.Holdout));
    }
}

internal static class Args
{
    public static int Int(string[] args, string name, int fallback) => OptionalInt(args, name) ?? fallback;

    public static int? OptionalInt(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : null;

    public static double Double(string[] args, string name, double fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1]) : fallback;

    public static string String(string[] args, string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

    /// <summary>Every <c>--set Key=Value</c>: extra app settings, e.g. <c>--set Scoring:Batching:Enabled=false</c>.</summary>
    public static IEnumerable<(string Key, string Value)> Settings(string[] args)
    {
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--set" && args[i + 1].Split('=', 2) is [var key, var value])
            {
                yield return (key, value);
            }
        }
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Local.Samples;
using Mlops.Local.Toolchain;
using Mlops.Pipeline.Data;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Drift;
using Mlops.Pipeline.Data.Profiling;
using Mlops.Pipeline.Data.Readers;
using Mlops.Pipeline.Training;
using Mlops.Registry;
using Mlops.Scoring.Hosting;
using Mlops.Scoring.Model;

namespace Mlops.Cli.Demo;

/// <summary>What the demo did, for its caller and its test.</summary>
public sealed record DemoOutcome(int ChampionVersion, IReadOnlyList<int> Versions, bool SecondPassedGate, int ScoredRows);

/// <summary>
/// The lifecycle as far as it is built, on real components only: Azurite, the blob registry, ML.NET, ONNX
/// Runtime and the real scoring app on Kestrel. Flights of January 2001 are validated, trained, gated, packaged,
/// registered and promoted; the scoring app serves the champion; February is checked for drift against the
/// training profile; January + February train a challenger that must beat the champion on the same holdout.
/// </summary>
public sealed class LocalLifecycleDemo(TextWriter output, string workDirectory)
{
    private const string Actor = "mlops-demo";
    private const string Model = "flights";
    private int _step;

    public async Task<DemoOutcome> RunAsync(CancellationToken cancellationToken = default)
    {
        var toolchain = new NodeToolchain(ToolchainDirectory.Locate());
        var contractPath = RepositoryFile(toolchain, "samples/flights/contract.json");
        var specPath = RepositoryFile(toolchain, "samples/flights/training.json");

        Step("Local storage: Azurite on free loopback ports, in memory");
        await using var azurite = await AzuriteServer.StartAsync(toolchain, new AzuriteOptions(), cancellationToken);
        await Say($"blob endpoint {azurite.BlobEndpoint}");

        Step("Sample data: vega-datasets flights-20k, one data set per month");
        var dataDirectory = Path.Combine(workDirectory, "data");
        var months = await FlightsSampleData.WriteMonthlyCsvAsync(
            FlightsSource.ReadAsync(FlightsSource.PathOf(toolchain.Directory, FlightsSourceKind.Flights20k), cancellationToken),
            dataDirectory, cancellationToken: cancellationToken);
        foreach (var month in months)
        {
            await Say($"{month.Month}: {month.Rows:N0} rows, {month.LabelRate:P1} delayed");
        }

        var contractJson = await File.ReadAllTextAsync(contractPath, cancellationToken);
        var contract = DataContractParser.Parse(contractJson);
        var specJson = await File.ReadAllTextAsync(specPath, cancellationToken);
        var spec = TrainingSpecParser.Parse(specJson, contract);
        var january = DataPart.FromFile(months[0].Path);
        var february = DataPart.FromFile(months[1].Path);

        Step("Validate January against the data contract");
        var report = await DataInspector.ValidateAsync(new DataSet([january]), contract, cancellationToken: cancellationToken);
        await Say($"{(report.Passed ? "passed" : "FAILED")}: {report.Checks.Count(c => c.Passed)} of {report.Checks.Count} checks");

        var registry = new ModelRegistry(azurite.ConnectionString);
        Step("Train v1 on January (time holdout: the last fifth of the month), gate, package, register, promote");
        var first = await TrainAsync(new DataSet([january]), "candidate-1", contract, contractJson, spec, specJson, champion: null, cancellationToken);
        var v1 = await RegisterAsync(registry, first, expectedChampion: null, cancellationToken);

        Step("Serve the champion: the real scoring app on Kestrel at 127.0.0.1, reading the registry");
        var scored = await ServeAndScoreAsync(azurite.ConnectionString, months[1].Path, cancellationToken);

        Step("Drift: February against v1's training profile");
        var reference = DataProfile.FromJson(await File.ReadAllTextAsync(Path.Combine(first.PackageDirectory, "profile.json"), cancellationToken));
        var drift = await DriftDetector.DetectAsync(reference, new DataSet([february]), cancellationToken: cancellationToken);
        foreach (var feature in drift.Features)
        {
            await Say($"{feature.Column,-12} PSI {feature.Psi:F4}  {feature.Verdict}");
        }

        Step("Retrain on January + February; the champion v1 is scored on the same holdout");
        var championDirectory = await DownloadChampionAsync(registry, v1, cancellationToken);
        var second = await TrainAsync(new DataSet([january, february]), "candidate-2", contract, contractJson, spec, specJson, championDirectory, cancellationToken);
        var v2 = await RegisterAsync(registry, second, expectedChampion: v1, cancellationToken);

        Step("Registry history");
        foreach (var entry in await registry.GetHistoryAsync(Model, cancellationToken))
        {
            await Say($"{entry.Time:HH:mm:ss} {entry.Action,-8} v{entry.Version} {entry.Alias} {entry.From}->{entry.To} {entry.Reason}".TrimEnd());
        }

        var champion = await registry.GetAliasAsync(Model, RegistryNames.Champion, cancellationToken);
        await output.WriteLineAsync();
        await output.WriteLineAsync($"Champion: {Model} v{champion!.Version}. Not yet in this demo: Durable orchestrations, rollout to slots, rollback.");
        return new DemoOutcome(champion.Version, [v1, v2], second.Gate.Passed, scored);
    }

    private async Task<TrainingResult> TrainAsync(
        DataSet data, string name, DataContract contract, string contractJson, TrainingSpec spec, string specJson, string? champion, CancellationToken cancellationToken)
    {
        var identity = await DataSetIdentity.ComputeAsync(data, new Uri(Path.GetFullPath(Path.Combine(workDirectory, "data"))).AbsoluteUri, cancellationToken: cancellationToken);
        var result = await new ModelTrainer().TrainAsync(
            new TrainingRequest(data, identity, contract, contractJson, spec, specJson, Path.Combine(workDirectory, name), champion), cancellationToken);
        await Say($"trained on {result.TrainRows:N0} rows, holdout {result.HoldoutRows:N0} rows from {result.HoldoutFrom:yyyy-MM-dd HH:mm}");
        foreach (var check in result.Gate.Checks)
        {
            await Say($"{check.Kind,-9} {check.Metric,-22} {check.Candidate,10:G4} {(check.Champion is { } c ? $"champion {c:G4}" : ""),-18} {check.Comparison} {check.Limit:G4}  {(check.Passed ? "passed" : "FAILED")}");
        }

        return result;
    }

    private async Task<int> RegisterAsync(ModelRegistry registry, TrainingResult result, int? expectedChampion, CancellationToken cancellationToken)
    {
        var manifest = await registry.RegisterAsync(result.PackageDirectory, Actor, cancellationToken: cancellationToken);
        if (result.Gate.Passed)
        {
            await registry.PromoteAsync(Model, manifest.Version, expectedChampion, Actor, "gate passed", cancellationToken);
            await Say($"registered v{manifest.Version}, promoted to champion");
        }
        else
        {
            var evidence = JsonSerializer.SerializeToElement(result.Gate.Checks.Where(c => !c.Passed));
            await registry.SetStatusAsync(Model, manifest.Version, VersionStatus.Rejected, Actor, "gate failed", evidence, cancellationToken);
            await Say($"registered v{manifest.Version}, rejected: gate failed; the champion stays v{expectedChampion}");
        }

        return manifest.Version;
    }

    private async Task<int> ServeAndScoreAsync(string connectionString, string dataPath, CancellationToken cancellationToken)
    {
        var app = ScoringApp.Create(["--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
        {
            ["Registry:ConnectionString"] = connectionString,
            ["Scoring:ModelName"] = Model,
            ["Scoring:ModelVersion"] = RegistryNames.Champion,
            ["Scoring:SlotName"] = "production",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await app.StartAsync(cancellationToken);
        try
        {
            var host = app.Services.GetRequiredService<ModelHost>();
            await host.Settled.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready", cancellationToken);
            await Say($"{app.Urls.First()} ready: {ready}");
            var rows = File.ReadLines(dataPath).Skip(1).Take(5).Select(line => line.Split(','))
                .Select(f => new { date = f[0], distance = long.Parse(f[2]), origin = f[3], destination = f[4] }).ToList();
            using var response = await client.PostAsJsonAsync("/score", rows, cancellationToken);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            var predictions = body!["predictions"]!.AsArray();
            for (var i = 0; i < rows.Count; i++)
            {
                await Say($"{rows[i].date} {rows[i].origin}->{rows[i].destination} {rows[i].distance,5} mi: P(delay > 15 min) = {predictions[i]!["probability"]!.GetValue<float>():F3}");
            }

            return predictions.Count;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    /// <summary>The champion's model.zip and its candidate record (with its registry version), as a folder training can read.</summary>
    private async Task<string> DownloadChampionAsync(ModelRegistry registry, int version, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(workDirectory, $"champion-v{version}");
        Directory.CreateDirectory(directory);
        var model = await registry.DownloadArtifactAsync(Model, version, "model.zip", cancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(directory, "model.zip"), model.Content.ToArray(), cancellationToken);
        var candidate = JsonNode.Parse(model.Manifest.Candidate.GetRawText())!.AsObject();
        candidate["version"] = version;
        await File.WriteAllTextAsync(Path.Combine(directory, "candidate.json"), candidate.ToJsonString(), cancellationToken);
        return directory;
    }

    private void Step(string title)
    {
        _step++;
        output.WriteLine();
        output.WriteLine($"[{_step}] {title}");
    }

    private Task Say(string line) => output.WriteLineAsync("    " + line);

    private static string RepositoryFile(NodeToolchain toolchain, string relative) => Path.Combine(toolchain.Directory.Root, relative);
}

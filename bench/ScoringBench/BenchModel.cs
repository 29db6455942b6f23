using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Local.Samples;
using Mlops.Local.Toolchain;
using Mlops.Scoring.Tests;

namespace Mlops.ScoringBench;

/// <summary>
/// The flights model the tests use (<see cref="FlightsTestModel"/>: LightGbm trained by the pipeline on January 2001
/// of flights-20k, exported to ONNX), written as a candidate package into a temporary folder.
/// </summary>
internal sealed class BenchModel : IDisposable
{
    private BenchModel(string directory, FlightsTestModel model)
    {
        Directory = directory;
        Model = model;
    }

    /// <summary>The candidate package: model.onnx, model.zip, candidate.json.</summary>
    public string Directory { get; }

    public FlightsTestModel Model { get; }

    public string ModelZip => Path.Combine(Directory, "model.zip");

    public string ModelOnnx => Path.Combine(Directory, "model.onnx");

    /// <param name="iterations">LightGbm's number of trees, when not the sample spec's 100: how the cost per row scales.</param>
    public static async Task<BenchModel> TrainAsync(ToolchainDirectory toolchain, int? iterations = null, CancellationToken cancellationToken = default)
    {
        string? specJson = null;
        if (iterations is { } trees)
        {
            var spec = JsonNode.Parse(await File.ReadAllTextAsync(FlightsTestModel.SampleSpecPath, cancellationToken))!;
            spec["trainer"]!["hyperparameters"]!["numberOfIterations"] = trees;
            specJson = spec.ToJsonString();
        }

        var root = System.IO.Directory.CreateTempSubdirectory("mlops-scoring-bench-").FullName;
        var samples = Path.Combine(root, "samples");
        await FlightsSampleData.WriteMonthlyCsvAsync(
            FlightsSource.ReadAsync(FlightsSource.PathOf(toolchain, FlightsSourceKind.Flights20k), cancellationToken),
            samples, ["2001-01"], cancellationToken: cancellationToken);
        var package = Path.Combine(root, "package");
        var model = await FlightsTestModel.TrainAndPackageAsync(Path.Combine(samples, FlightsSampleData.FileName("2001-01")), package, specJson, cancellationToken);
        return new BenchModel(package, model);
    }

    /// <summary>One row as a request body, exactly as the tests send it.</summary>
    public static object RequestRow(FlightsTestModel.Row row) => new
    {
        date = row.Date,
        distance = row.Distance,
        origin = row.Origin,
        destination = row.Destination,
    };

    /// <summary>The single-row bodies wrk sends in turn: the first 256 holdout rows.</summary>
    public static string[] SingleRowBodies(IReadOnlyList<FlightsTestModel.Row> holdout) =>
        [.. holdout.Take(256).Select(r => JsonSerializer.Serialize(RequestRow(r)))];

    /// <summary>The 100-row bodies wrk sends in turn: 16 consecutive runs of 100 holdout rows (wrapping around).</summary>
    public static string[] BatchBodies(IReadOnlyList<FlightsTestModel.Row> holdout) =>
        [.. Enumerable.Range(0, 16).Select(b => JsonSerializer.Serialize(Enumerable.Range(b * 100, 100).Select(i => RequestRow(holdout[i % holdout.Count]))))];

    public void Dispose() => System.IO.Directory.Delete(Path.GetDirectoryName(Directory)!, recursive: true);
}

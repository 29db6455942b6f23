using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Mlops.Pipeline.Data;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Profiling;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Training;

/// <summary>Everything a training run needs. <see cref="ContractJson"/> and <see cref="SpecJson"/> are the files as written.</summary>
public sealed record TrainingRequest(
    DataSet Data,
    DataSetIdentity Identity,
    DataContract Contract,
    string ContractJson,
    TrainingSpec Spec,
    string SpecJson,
    string OutputDirectory,
    string? ChampionDirectory = null);

/// <summary>What a run produced: the candidate package, its metrics and its gate.</summary>
public sealed record TrainingResult(
    string PackageDirectory,
    EvaluationResult Candidate,
    EvaluationResult? Champion,
    ParityResult Parity,
    GateResult Gate,
    long TrainRows,
    long HoldoutRows,
    DateTime? HoldoutFrom);

/// <summary>
/// From a data set and its contract to a candidate package with all its evidence: validate and profile, split,
/// train, evaluate against absolute gates and against the champion on the same holdout, export to ONNX, prove
/// parity, and write the package (model.onnx, model.zip, candidate.json, profile.json, gate.json, contract.json,
/// spec.json) whole or not at all. Everything that can be checked before training is checked before training.
/// </summary>
public sealed class ModelTrainer(TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public async Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (contract, spec) = (request.Contract, request.Spec);
        var layout = new FeatureLayout(spec, contract);
        var contractHash = Sha256(request.ContractJson);
        var champion = request.ChampionDirectory is null ? null : await Champion.LoadAsync(request.ChampionDirectory, contractHash, cancellationToken);
        if (Directory.Exists(request.OutputDirectory) && Directory.EnumerateFileSystemEntries(request.OutputDirectory).Any())
        {
            throw new TrainingSpecException("--out", $"'{request.OutputDirectory}' exists and is not empty; candidates are never overwritten.");
        }

        // 1. The data must pass its contract (which also refuses a one-class label); its profile becomes the model's drift reference.
        var inspection = await DataInspector.InspectAsync(request.Data, contract, cancellationToken: cancellationToken);
        if (!inspection.Report.Passed)
        {
            var failed = inspection.Report.Checks.Where(c => !c.Passed).Select(c => c.Column is null ? c.Rule : $"{c.Rule} ({c.Column})");
            throw new TrainingSpecException("data", $"the data set fails its contract: {string.Join(", ", failed)}.");
        }

        var profile = inspection.Profile;

        // 2. The split, with its sizes and classes checked before any training.
        var split = await HoldoutSplit.CreateAsync(request.Data, contract, spec, cancellationToken);
        var ml = new MLContext(spec.Seed);
        var train = new ContractDataView(request.Data, layout, row => !split.IsHoldout(row), withLabel: true, split.TrainRows);
        var holdout = new ContractDataView(request.Data, layout, split.IsHoldout, withLabel: true, split.HoldoutRows);
        champion?.CheckInputs(holdout.Schema);

        // 3. Train and evaluate; the champion is scored on the very same holdout.
        var model = TrainerFactory.Build(ml, spec, layout, profile).Fit(train);
        var candidateMetrics = Evaluator.Evaluate(ml, model, holdout, spec.Task);
        var championMetrics = champion is null ? null : Evaluator.Evaluate(ml, champion.Load(ml), holdout, spec.Task);

        // 4. ONNX with only the inputs scoring sends (a sample view without the label), then parity on the holdout.
        var sample = ml.Data.TakeRows(new ContractDataView(request.Data, layout, split.IsHoldout, withLabel: false), 16);
        var onnx = OnnxPackaging.Export(ml, model, sample, spec.Task);
        var parity = OnnxPackaging.CheckParity(model, holdout, onnx, layout);
        var gate = GateEvaluator.Evaluate(spec.Gates, candidateMetrics, championMetrics, parity.MaxAbsoluteDifference);

        var result = new TrainingResult(request.OutputDirectory, candidateMetrics, championMetrics, parity, gate, split.TrainRows, split.HoldoutRows, split.HoldoutFrom);
        await WritePackageAsync(request, ml, model, train.Schema, onnx, profile, layout, result, champion, contractHash, cancellationToken);
        return result;
    }

    private async Task WritePackageAsync(
        TrainingRequest request, MLContext ml, ITransformer model, DataViewSchema trainSchema, byte[] onnx, DataProfile profile,
        FeatureLayout layout, TrainingResult result, Champion? champion, string contractHash, CancellationToken cancellationToken)
    {
        var spec = request.Spec;
        var parent = Path.GetDirectoryName(Path.GetFullPath(request.OutputDirectory))!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(Path.GetFullPath(request.OutputDirectory))}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            ml.Model.Save(model, trainSchema, Path.Combine(staging, "model.zip"));
            await File.WriteAllBytesAsync(Path.Combine(staging, "model.onnx"), onnx, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(staging, "profile.json"), profile.ToJson(), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(staging, "gate.json"), JsonSerializer.Serialize(result.Gate, PipelineJson.Options), cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(staging, "contract.json"), request.ContractJson, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(staging, "spec.json"), request.SpecJson, cancellationToken);
            var candidate = new JsonObject
            {
                ["model"] = spec.Model,
                ["task"] = JsonValue.Create(Camel(spec.Task.ToString())),
                ["createdAt"] = _time.GetUtcNow().ToString("O"),
                ["codeVersion"] = CodeVersion(),
                ["trainer"] = new JsonObject
                {
                    ["name"] = spec.Trainer.Name,
                    ["hyperparameters"] = JsonSerializer.SerializeToNode(spec.Trainer.Hyperparameters, PipelineJson.Options),
                },
                ["seed"] = spec.Seed,
                ["split"] = new JsonObject
                {
                    ["kind"] = Camel(spec.Split.Kind.ToString()),
                    ["holdoutFraction"] = spec.Split.HoldoutFraction,
                    ["holdoutFrom"] = result.HoldoutFrom?.ToString("O"),
                    ["trainRows"] = result.TrainRows,
                    ["holdoutRows"] = result.HoldoutRows,
                },
                ["dataset"] = JsonSerializer.SerializeToNode(request.Identity, PipelineJson.Options),
                ["contract"] = new JsonObject { ["name"] = request.Contract.Name, ["sha256"] = contractHash },
                ["spec"] = new JsonObject { ["sha256"] = Sha256(request.SpecJson) },
                ["metrics"] = JsonSerializer.SerializeToNode(result.Candidate.Metrics, PipelineJson.Options),
                ["calibration"] = JsonSerializer.SerializeToNode(result.Candidate.Calibration, PipelineJson.Options),
                ["champion"] = champion is null ? null : new JsonObject
                {
                    ["model"] = champion.Model,
                    ["version"] = champion.Version,
                    ["metrics"] = JsonSerializer.SerializeToNode(result.Champion!.Metrics, PipelineJson.Options),
                },
                ["parity"] = JsonSerializer.SerializeToNode(result.Parity, PipelineJson.Options),
                ["gate"] = JsonSerializer.SerializeToNode(result.Gate, PipelineJson.Options),
                ["signature"] = ScoringSignature.Build(layout, profile),
            };
            await File.WriteAllTextAsync(Path.Combine(staging, "candidate.json"), candidate.ToJsonString(PipelineJson.Options), cancellationToken);
            if (Directory.Exists(request.OutputDirectory))
            {
                Directory.Delete(request.OutputDirectory);
            }

            Directory.Move(staging, request.OutputDirectory);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    internal static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Camel(string text) => char.ToLowerInvariant(text[0]) + text[1..];

    private static string CodeVersion() =>
        typeof(ModelTrainer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}

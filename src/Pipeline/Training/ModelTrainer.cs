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
        //    The same pass keeps the model inputs in memory when they fit a third of what the GC may use (about 22 bytes
        //    a row for flights): the trainer's several passes and the holdout's then read memory, not the files.
        var split = await HoldoutSplit.CreateAsync(request.Data, contract, spec, layout, InputCache.DefaultBudgetBytes, cancellationToken);
        var ml = new MLContext(spec.Seed);
        var train = split.View(request.Data, layout, holdout: false);
        var holdout = split.View(request.Data, layout, holdout: true);
        champion?.CheckInputs(holdout.Schema);

        // 3. Train and evaluate; the champion is scored on the very same holdout.
        var model = TrainerFactory.Build(ml, spec, layout, profile).Fit(train);
        //    Scored once: with the inputs in memory, the holdout's scores are cached too (inputs, label and outputs: about
        //    40 bytes a row), so evaluation, calibration and parity share one scoring pass instead of three.
        var scored = ScoreHoldout(ml, model, holdout, layout, cache: split.Cache is not null);
        var candidateMetrics = Evaluator.EvaluateScored(ml, scored, spec.Task);
        var championMetrics = champion is null ? null : Evaluator.Evaluate(ml, champion.Load(ml), holdout, spec.Task);

        // 4. ONNX with only the inputs scoring sends (a sample view without the label), then parity on the holdout.
        var sample = ml.Data.TakeRows(split.View(request.Data, layout, holdout: true, withLabel: false), 16);
        var onnx = OnnxPackaging.Export(ml, model, sample, spec.Task);
        var parity = OnnxPackaging.CheckParityScored(scored, onnx, layout);
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

    /// <summary>The holdout scored by the model; with <paramref name="cache"/>, scored once and kept (inputs, label, outputs) for every later pass.</summary>
    internal static IDataView ScoreHoldout(MLContext ml, ITransformer model, IDataView holdout, FeatureLayout layout, bool cache)
    {
        var scored = model.Transform(holdout);
        string[] outputs = layout.Task == TrainingTask.BinaryClassification
            ? [FeatureLayout.LabelColumn, "Score", "Probability", "PredictedLabel"]
            : [FeatureLayout.LabelColumn, "Score"];
        return cache ? ml.Data.Cache(scored, [.. layout.Inputs.Select(i => i.Name), .. outputs]) : scored;
    }

    internal static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Camel(string text) => char.ToLowerInvariant(text[0]) + text[1..];

    private static string CodeVersion() =>
        typeof(ModelTrainer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}

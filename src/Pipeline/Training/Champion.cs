using System.Text.Json;
using Microsoft.ML;

namespace Mlops.Pipeline.Training;

/// <summary>
/// The model in production, as a candidate package folder (model.zip + candidate.json, as the registry stores
/// them). It must have been trained under the same contract, or its scores on this holdout would mean nothing.
/// </summary>
internal sealed class Champion
{
    private readonly string _modelPath;

    private Champion(string modelPath, string model, int? version)
    {
        _modelPath = modelPath;
        Model = model;
        Version = version;
    }

    public string Model { get; }

    /// <summary>The registry version, when the folder came from the registry (candidate.json has no version before).</summary>
    public int? Version { get; }

    public static async Task<Champion> LoadAsync(string directory, string contractSha256, CancellationToken cancellationToken)
    {
        var candidatePath = Path.Combine(directory, "candidate.json");
        var modelPath = Path.Combine(directory, "model.zip");
        if (!File.Exists(candidatePath) || !File.Exists(modelPath))
        {
            throw new TrainingSpecException("--champion", $"'{directory}' is not a model package: it needs model.zip and candidate.json.");
        }

        using var candidate = JsonDocument.Parse(await File.ReadAllTextAsync(candidatePath, cancellationToken));
        var root = candidate.RootElement;
        var championContract = root.TryGetProperty("contract", out var contract) && contract.TryGetProperty("sha256", out var sha) ? sha.GetString() : null;
        if (championContract != contractSha256)
        {
            throw new TrainingSpecException("--champion",
                $"the champion was trained under a different data contract (SHA-256 {championContract ?? "unknown"}, this run {contractSha256}): " +
                "its scores on this holdout are not comparable. Register a model under the current contract first.");
        }

        var model = root.TryGetProperty("model", out var name) ? name.GetString() ?? "" : "";
        int? version = root.TryGetProperty("version", out var v) && v.TryGetInt32(out var number) ? number : null;
        return new Champion(modelPath, model, version);
    }

    /// <summary>Fails before training when the champion needs an input this run's data view does not have.</summary>
    public void CheckInputs(DataViewSchema available)
    {
        new MLContext().Model.Load(_modelPath, out var inputSchema);
        foreach (var column in inputSchema)
        {
            if (column.Name == FeatureLayout.LabelColumn)
            {
                continue;
            }

            var match = available.GetColumnOrNull(column.Name);
            if (match is null || match.Value.Type != column.Type)
            {
                throw new TrainingSpecException("--champion", $"the champion takes input '{column.Name}' ({column.Type}), which this spec does not produce.");
            }
        }
    }

    public ITransformer Load(MLContext ml) => ml.Model.Load(_modelPath, out _);
}

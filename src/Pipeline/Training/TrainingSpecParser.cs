using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Mlops.Pipeline.Data.Contracts;

namespace Mlops.Pipeline.Training;

/// <summary>
/// Reads a training spec strictly (unknown keys, missing required keys and wrong kinds are errors naming the key) and
/// checks it against the data contract before any data is read.
/// </summary>
public static partial class TrainingSpecParser
{
    /// <summary>Hyperparameters each trainer accepts, by ML.NET option name in camelCase.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> TrainerHyperparameters = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["LightGbm"] = ["numberOfIterations", "numberOfLeaves", "learningRate", "minimumExampleCountPerLeaf", "maximumBinCountPerFeature", "numberOfThreads"],
        ["FastTree"] = ["numberOfTrees", "numberOfLeaves", "learningRate", "minimumExampleCountPerLeaf", "numberOfThreads"],
        ["SdcaLogisticRegression"] = ["l2Regularization", "l1Regularization", "maximumNumberOfIterations", "convergenceTolerance"],
    };

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public static async Task<TrainingSpec> LoadAsync(string path, DataContract contract, CancellationToken cancellationToken = default)
    {
        string json;
        try
        {
            json = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TrainingSpecException("(file)", $"cannot read the training spec '{path}': {ex.Message}");
        }

        return Parse(json, contract);
    }

    public static TrainingSpec Parse(string json, DataContract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        TrainingSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<TrainingSpec>(json, Options);
        }
        catch (JsonException ex)
        {
            throw new TrainingSpecException(KeyOf(ex.Path), ex.Message);
        }

        if (spec is null)
        {
            throw new TrainingSpecException("(document)", "the spec is null; expected an object.");
        }

        Check(spec, contract);
        return spec;
    }

    /// <summary>The contract columns that feed the model, in contract order.</summary>
    public static IReadOnlyList<ColumnContract> FeatureColumns(TrainingSpec spec, DataContract contract)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(contract);
        return [.. contract.Columns.Where(c => c.Role == ColumnRole.Feature && (spec.Features.Columns is null || spec.Features.Columns.Contains(c.Name)))];
    }

    private static void Check(TrainingSpec spec, DataContract contract)
    {
        if (!ModelName().IsMatch(spec.Model))
        {
            throw new TrainingSpecException("model", $"'{spec.Model}' is not a model name: lowercase letters, digits and '-', at most 63, starting with a letter or digit.");
        }

        if (contract.Name is { } contractModel && contractModel != spec.Model)
        {
            throw new TrainingSpecException("model", $"the spec trains '{spec.Model}' but the contract is '{contractModel}'.");
        }

        CheckLabel(spec, contract);
        CheckTrainer(spec);
        CheckSplit(spec, contract);
        CheckFeatures(spec, contract);
        CheckGates(spec);
    }

    private static void CheckLabel(TrainingSpec spec, DataContract contract)
    {
        var label = contract.Label ?? throw new TrainingSpecException("task", "the contract has no column with role label.");
        var fits = spec.Task == TrainingTask.BinaryClassification ? label.Type == ColumnType.Boolean : label.IsNumeric;
        if (!fits)
        {
            throw new TrainingSpecException("task", $"{Camel(spec.Task)} needs a {(spec.Task == TrainingTask.BinaryClassification ? "boolean" : "number or integer")} label; '{label.Name}' is {Camel(label.Type)}.");
        }
    }

    private static void CheckTrainer(TrainingSpec spec)
    {
        string[] allowed = spec.Task == TrainingTask.BinaryClassification ? ["LightGbm", "FastTree", "SdcaLogisticRegression"] : ["LightGbm", "FastTree"];
        if (!allowed.Contains(spec.Trainer.Name, StringComparer.Ordinal))
        {
            throw new TrainingSpecException("trainer.name", $"unknown trainer '{spec.Trainer.Name}' for {Camel(spec.Task)}; use one of {string.Join(", ", allowed)}.");
        }

        var known = TrainerHyperparameters[spec.Trainer.Name];
        foreach (var (name, value) in spec.Trainer.Hyperparameters)
        {
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                throw new TrainingSpecException($"trainer.hyperparameters.{name}", $"not a {spec.Trainer.Name} option; known: {string.Join(", ", known)}.");
            }

            if (!double.IsFinite(value) || value < 0)
            {
                throw new TrainingSpecException($"trainer.hyperparameters.{name}", $"must be a finite non-negative number, not {value}.");
            }
        }
    }

    private static void CheckSplit(TrainingSpec spec, DataContract contract)
    {
        var split = spec.Split;
        if (split.HoldoutFraction is { } fraction && (fraction is <= 0 or >= 1 || double.IsNaN(fraction)))
        {
            throw new TrainingSpecException("split.holdoutFraction", $"must be between 0 and 1 (exclusive), not {fraction}.");
        }

        if (split.Kind == SplitKind.Random)
        {
            if (split.HoldoutFraction is null || split.HoldoutFrom is not null)
            {
                throw new TrainingSpecException("split", "a random split takes holdoutFraction, and no holdoutFrom.");
            }

            return;
        }

        if (contract.TimeIndex < 0)
        {
            throw new TrainingSpecException("split.kind", "a time split needs a contract column with role time.");
        }

        if ((split.HoldoutFraction is null) == (split.HoldoutFrom is null))
        {
            throw new TrainingSpecException("split", "a time split takes exactly one of holdoutFraction and holdoutFrom.");
        }
    }

    private static void CheckFeatures(TrainingSpec spec, DataContract contract)
    {
        foreach (var name in spec.Features.Columns ?? [])
        {
            var index = contract.IndexOf(name);
            if (index < 0)
            {
                throw new TrainingSpecException("features.columns", $"'{name}' is not a column of the contract.");
            }

            if (contract.Columns[index].Role != ColumnRole.Feature)
            {
                throw new TrainingSpecException("features.columns", $"'{name}' has role {Camel(contract.Columns[index].Role)} in the contract, not feature.");
            }

            if (contract.Columns[index].Type == ColumnType.DateTime)
            {
                throw new TrainingSpecException("features.columns", $"'{name}' is a datetime: use features.dateParts to choose its parts.");
            }
        }

        foreach (var (name, parts) in spec.Features.DateParts)
        {
            var index = contract.IndexOf(name);
            if (index < 0 || contract.Columns[index].Type != ColumnType.DateTime)
            {
                throw new TrainingSpecException($"features.dateParts.{name}", index < 0 ? "not a column of the contract." : "not a datetime column.");
            }

            if (parts.Count == 0 || parts.Distinct().Count() != parts.Count)
            {
                throw new TrainingSpecException($"features.dateParts.{name}", "list each part (hour, dayOfWeek, month) at most once, and at least one.");
            }
        }

        if (spec.Features.MaxCategories is < 1 or > 10_000)
        {
            throw new TrainingSpecException("features.maxCategories", $"must be between 1 and 10000, not {spec.Features.MaxCategories}.");
        }

        if (FeatureColumns(spec, contract).Count(c => c.Type != ColumnType.DateTime) + spec.Features.DateParts.Count == 0)
        {
            throw new TrainingSpecException("features", "no features: the contract has no feature columns the spec uses, and no dateParts.");
        }
    }

    private static void CheckGates(TrainingSpec spec)
    {
        var metrics = MetricNames.For(spec.Task);
        for (var i = 0; i < spec.Gates.Absolute.Count; i++)
        {
            var gate = spec.Gates.Absolute[i];
            CheckMetric(metrics, gate.Metric, $"gates.absolute[{i}].metric", spec.Task);
            if (gate.Min is null && gate.Max is null)
            {
                throw new TrainingSpecException($"gates.absolute[{i}]", "give min, max or both.");
            }
        }

        for (var i = 0; i < spec.Gates.Champion.Count; i++)
        {
            var gate = spec.Gates.Champion[i];
            CheckMetric(metrics, gate.Metric, $"gates.champion[{i}].metric", spec.Task);
            if (gate.MinAbsoluteChange is null && gate.MinRelativeChange is null)
            {
                throw new TrainingSpecException($"gates.champion[{i}]", "give minAbsoluteChange, minRelativeChange or both.");
            }
        }

        if (spec.Gates.MaxParityDifference is <= 0 or > 0.01 || double.IsNaN(spec.Gates.MaxParityDifference))
        {
            throw new TrainingSpecException("gates.maxParityDifference", $"must be in (0, 0.01], not {spec.Gates.MaxParityDifference}.");
        }
    }

    private static void CheckMetric(IReadOnlyList<string> metrics, string metric, string key, TrainingTask task)
    {
        if (!metrics.Contains(metric, StringComparer.Ordinal))
        {
            throw new TrainingSpecException(key, $"'{metric}' is not a {Camel(task)} metric; use one of {string.Join(", ", metrics)}.");
        }
    }

    private static string KeyOf(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "(document)" : jsonPath.TrimStart('$', '.');

    private static string Camel<T>(T value) where T : struct, Enum
    {
        var text = value.ToString();
        return char.ToLowerInvariant(text[0]) + text[1..];
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex ModelName();
}

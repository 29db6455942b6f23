using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Data.Validation;

/// <summary>
/// One rule applied to the data. The JSON shape is stable: every key is always present, null where it does not
/// apply. <see cref="Observed"/> and <see cref="Limit"/> are numbers or strings; <see cref="Count"/> and
/// <see cref="Examples"/> are for row-level problems.
/// </summary>
public sealed record ValidationCheck(
    string Rule,
    string? Column,
    bool Passed,
    JsonNode? Observed,
    JsonNode? Limit,
    long? Count,
    IReadOnlyList<RecordExample>? Examples,
    string Message);

/// <summary>The outcome of validating a data set against its contract: passed when every check passed.</summary>
public sealed record ValidationReport(bool Passed, IReadOnlyList<ValidationCheck> Checks)
{
    public IEnumerable<ValidationCheck> Failures => Checks.Where(c => !c.Passed);

    public ValidationCheck? Find(string rule, string? column = null) =>
        Checks.FirstOrDefault(c => c.Rule == rule && (column is null || c.Column == column));

    public string ToJson() => JsonSerializer.Serialize(this, PipelineJson.Options);

    public static ValidationReport FromJson(string json) =>
        JsonSerializer.Deserialize<ValidationReport>(json, PipelineJson.Options) ?? throw new JsonException("The report is null.");
}

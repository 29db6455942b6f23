namespace Mlops.Pipeline.Data.Readers;

public enum DataFormat
{
    Csv,
    JsonLines,
    JsonArray,
    Parquet,
}

/// <summary>The format of a part, from its name: <c>.csv</c>, <c>.jsonl</c>/<c>.ndjson</c>, <c>.json</c>, <c>.parquet</c>, each optionally <c>.gz</c>.</summary>
public readonly record struct DataFileFormat(DataFormat Format, bool Gzip);

public static class DataFormats
{
    public static bool TryDetect(string name, out DataFileFormat format)
    {
        ArgumentNullException.ThrowIfNull(name);
        var gzip = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        var bare = gzip ? name[..^3] : name;
        DataFormat? detected = Path.GetExtension(bare).ToLowerInvariant() switch
        {
            ".csv" => DataFormat.Csv,
            ".jsonl" or ".ndjson" => DataFormat.JsonLines,
            ".json" => DataFormat.JsonArray,
            ".parquet" => DataFormat.Parquet,
            _ => null,
        };
        format = detected is { } f ? new DataFileFormat(f, gzip) : default;
        return detected is not null;
    }
}

namespace Mlops.Pipeline.Data.Readers;

/// <summary>One file or blob of a data set: a name (which says its format) and a way to open it, as often as needed.</summary>
public sealed record DataPart(string Name, Func<CancellationToken, Task<Stream>> OpenAsync)
{
    public static DataPart FromFile(string path) =>
        new(Path.GetFileName(path), _ => Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true)));
}

/// <summary>
/// A data set: one file or blob, or every one under a prefix, read as one in ordinal name order (for example all
/// months so far). Parts are opened lazily and can be read again, so a trainer can make several passes.
/// </summary>
public sealed class DataSet
{
    public DataSet(IEnumerable<DataPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        Parts = [.. parts.OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyList<DataPart> Parts { get; }

    /// <summary>
    /// A file; or every data file in a folder; or every data file whose path starts with the given prefix
    /// (<c>data/flights-2001-</c>). Throws <see cref="FileNotFoundException"/> when nothing matches.
    /// </summary>
    public static DataSet FromPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            return new DataSet([DataPart.FromFile(path)]);
        }

        IEnumerable<string> files;
        if (Directory.Exists(path))
        {
            files = Directory.EnumerateFiles(path);
        }
        else
        {
            var directory = Path.GetDirectoryName(path);
            directory = string.IsNullOrEmpty(directory) ? "." : directory;
            var prefix = Path.GetFileName(path);
            files = Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory).Where(f => Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal))
                : [];
        }

        var parts = files.Where(f => DataFormats.TryDetect(f, out _)).Select(DataPart.FromFile).ToList();
        return parts.Count > 0
            ? new DataSet(parts)
            : throw new FileNotFoundException($"No data file (.csv, .jsonl, .json, .parquet, optionally .gz) is, or is under, '{path}'.", path);
    }
}

using System.Text;

namespace Mlops.Local.Samples;

/// <summary>What was written for one month.</summary>
public sealed record MonthlySample(string Month, string Path, long Rows, long SourceRows, long Delayed)
{
    /// <summary>Share of written rows with the label true (departure delay over 15 minutes).</summary>
    public double LabelRate => Rows == 0 ? 0 : (double)Delayed / Rows;
}

/// <summary>
/// Turns a vega-datasets flights file into one CSV data set per month, the way new training data arrives in
/// production. Columns: date, delay, distance, origin, destination, delayed (the label).
/// </summary>
public static class FlightsSampleData
{
    public const int DelayThresholdMinutes = 15;

    public static readonly IReadOnlyList<string> DefaultMonths = ["2001-01", "2001-02", "2001-03"];

    public static readonly string Header = "date,delay,distance,origin,destination,delayed";

    public static string FileName(string month) => $"flights-{month}.csv";

    /// <summary>
    /// Writes <c>flights-{month}.csv</c> per requested month into <paramref name="outputDirectory"/>. With
    /// <paramref name="maxRowsPerMonth"/>, each month is a seeded uniform sample of that many rows (reservoir
    /// sampling), kept in source order; without it, every row. Files appear whole or not at all.
    /// </summary>
    public static async Task<IReadOnlyList<MonthlySample>> WriteMonthlyCsvAsync(
        IAsyncEnumerable<FlightRecord> source,
        string outputDirectory,
        IReadOnlyList<string>? months = null,
        int? maxRowsPerMonth = null,
        int seed = 2001,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        months ??= DefaultMonths;
        if (months.Count == 0 || months.Distinct().Count() != months.Count)
        {
            throw new ArgumentException("Give at least one month, each once.", nameof(months));
        }

        foreach (var month in months)
        {
            if (!DateTime.TryParseExact(month, "yyyy-MM", null, System.Globalization.DateTimeStyles.None, out _))
            {
                throw new ArgumentException($"Month '{month}' is not of the form yyyy-MM.", nameof(months));
            }
        }

        if (maxRowsPerMonth is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRowsPerMonth), maxRowsPerMonth, "Rows per month must be positive.");
        }

        Directory.CreateDirectory(outputDirectory);
        var sinks = months.ToDictionary(m => m, m => new MonthSink(m, Path.Combine(outputDirectory, FileName(m)), maxRowsPerMonth, seed));
        try
        {
            await foreach (var flight in source.WithCancellation(cancellationToken))
            {
                if (sinks.TryGetValue(flight.Month, out var sink))
                {
                    sink.Offer(flight);
                }
            }

            var results = new List<MonthlySample>(sinks.Count);
            foreach (var month in months)
            {
                results.Add(await sinks[month].CompleteAsync(cancellationToken));
            }

            return results;
        }
        finally
        {
            foreach (var sink in sinks.Values)
            {
                sink.Dispose();
            }
        }
    }

    public static string ToCsvLine(FlightRecord flight)
    {
        ArgumentNullException.ThrowIfNull(flight);
        return string.Join(',',
            flight.Date.ToString("yyyy-MM-dd HH:mm"),
            flight.Delay?.ToString() ?? "",
            flight.Distance?.ToString() ?? "",
            Quote(flight.Origin),
            Quote(flight.Destination),
            flight.IsDelayed switch { true => "true", false => "false", null => "" });
    }

    // RFC 4180: quote a field that holds a comma, quote or line break, doubling inner quotes.
    private static string Quote(string? value) =>
        value is null ? ""
        : value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value
        : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>One month's output: streams every row to a temporary file, or keeps a seeded reservoir.</summary>
    private sealed class MonthSink : IDisposable
    {
        private readonly string _month;
        private readonly string _path;
        private readonly string _temporaryPath;
        private readonly int? _capacity;
        private readonly Random _random;
        private readonly List<(long Index, FlightRecord Flight)> _reservoir = [];
        private StreamWriter? _writer;
        private long _sourceRows;
        private long _rows;
        private long _delayed;

        public MonthSink(string month, string path, int? capacity, int seed)
        {
            _month = month;
            _path = path;
            _temporaryPath = path + ".partial";
            _capacity = capacity;
            // Each month gets its own stream of random numbers, so one month's sample does not depend on others.
            _random = new Random(unchecked((seed * 397) ^ int.Parse(month.Replace("-", "", StringComparison.Ordinal))));
            if (capacity is null)
            {
                _writer = OpenWriter();
            }
        }

        public void Offer(FlightRecord flight)
        {
            var index = _sourceRows++;
            if (_capacity is not { } capacity)
            {
                Write(flight);
                return;
            }

            if (_reservoir.Count < capacity)
            {
                _reservoir.Add((index, flight));
                return;
            }

            var slot = _random.NextInt64(index + 1);
            if (slot < capacity)
            {
                _reservoir[(int)slot] = (index, flight);
            }
        }

        public async Task<MonthlySample> CompleteAsync(CancellationToken cancellationToken)
        {
            if (_capacity is not null)
            {
                _writer = OpenWriter();
                foreach (var (_, flight) in _reservoir.OrderBy(r => r.Index))
                {
                    Write(flight);
                }
            }

            await _writer!.FlushAsync(cancellationToken);
            await _writer.DisposeAsync();
            _writer = null;
            File.Move(_temporaryPath, _path, overwrite: true);
            return new MonthlySample(_month, _path, _rows, _sourceRows, _delayed);
        }

        public void Dispose()
        {
            if (_writer is not null)
            {
                _writer.Dispose();
                File.Delete(_temporaryPath);
            }
        }

        private StreamWriter OpenWriter()
        {
            var writer = new StreamWriter(_temporaryPath, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16)
            {
                NewLine = "\n",
            };
            writer.WriteLine(Header);
            return writer;
        }

        private void Write(FlightRecord flight)
        {
            _writer!.WriteLine(ToCsvLine(flight));
            _rows++;
            if (flight.IsDelayed == true)
            {
                _delayed++;
            }
        }
    }
}

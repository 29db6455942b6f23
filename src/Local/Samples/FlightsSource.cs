using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Mlops.Local.Toolchain;
using Parquet;
using Parquet.Schema;

namespace Mlops.Local.Samples;

/// <summary>Which vega-datasets file the samples come from.</summary>
public enum FlightsSourceKind
{
    /// <summary>flights-20k.json: 20,000 flights of January to March 2001. Quick runs and tests.</summary>
    Flights20k,

    /// <summary>flights-3m.parquet: 3,000,000 flights of January to June 2001. Scale and benchmarks.</summary>
    Flights3m,
}

/// <summary>Streams the flights of a vega-datasets file in file order, with bounded memory.</summary>
public static class FlightsSource
{
    public static string PathOf(ToolchainDirectory directory, FlightsSourceKind kind)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return directory.PackageFile("vega-datasets", "data", kind switch
        {
            FlightsSourceKind.Flights20k => "flights-20k.json",
            FlightsSourceKind.Flights3m => "flights-3m.parquet",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        });
    }

    public static IAsyncEnumerable<FlightRecord> ReadAsync(string path, CancellationToken cancellationToken = default) =>
        path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
            ? ReadParquetAsync(path, cancellationToken)
            : ReadJsonAsync(path, cancellationToken);

    private sealed record JsonFlight(string? Date, long? Delay, long? Distance, string? Origin, string? Destination);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private static async IAsyncEnumerable<FlightRecord> ReadJsonAsync(
        string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var row = 0;
        await foreach (var flight in JsonSerializer.DeserializeAsyncEnumerable<JsonFlight>(stream, JsonOptions, cancellationToken))
        {
            row++;
            if (flight?.Date is null
                || !DateTime.TryParseExact(flight.Date, "yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new InvalidDataException($"{path}: row {row} has no date in the form yyyy/MM/dd HH:mm ('{flight?.Date}').");
            }

            yield return new FlightRecord(date, flight.Delay, flight.Distance, flight.Origin, flight.Destination);
        }
    }

    // Row group by row group, column by column into buffers: the whole file deserialised at once peaks at 2 GB.
    private static async IAsyncEnumerable<FlightRecord> ReadParquetAsync(
        string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
        var date = Field(reader.Schema, path, "date");
        var delay = Field(reader.Schema, path, "delay");
        var distance = Field(reader.Schema, path, "distance");
        var origin = Field(reader.Schema, path, "origin");
        var destination = Field(reader.Schema, path, "destination");
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var count = checked((int)rowGroup.RowCount);
            var dates = new DateTime?[count];
            var delays = new long?[count];
            var distances = new long?[count];
            var origins = new string[count];
            var destinations = new string[count];
            await rowGroup.ReadAsync<DateTime>(date, dates, cancellationToken: cancellationToken);
            await rowGroup.ReadAsync<long>(delay, delays, cancellationToken: cancellationToken);
            await rowGroup.ReadAsync<long>(distance, distances, cancellationToken: cancellationToken);
            await rowGroup.ReadAsync(origin, origins, cancellationToken: cancellationToken);
            await rowGroup.ReadAsync(destination, destinations, cancellationToken: cancellationToken);
            for (var i = 0; i < count; i++)
            {
                if (dates[i] is not { } when)
                {
                    throw new InvalidDataException($"{path}: row group {group}, row {i} has no date.");
                }

                yield return new FlightRecord(when, delays[i], distances[i], origins[i], destinations[i]);
            }
        }
    }

    private static DataField Field(ParquetSchema schema, string path, string name) =>
        schema.GetDataFields().FirstOrDefault(f => f.Name == name)
        ?? throw new InvalidDataException($"{path}: no column '{name}' (columns: {string.Join(", ", schema.GetDataFields().Select(f => f.Name))}).");
}

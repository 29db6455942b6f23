using Mlops.Pipeline.Data.Readers;
using Mlops.Pipeline.Tests.Support;
using Parquet;
using Parquet.Schema;

namespace Mlops.Pipeline.Tests.Data;

public sealed class ReaderTests : IDisposable
{
    private const string Csv = "x,n,c,y\n1.5,1,a,true\n,2,\"b, \"\"quoted\"\"\",false\n3,,c,\n";
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static async Task<List<string>> ReadAsync(string path)
    {
        var rows = new List<string>();
        var reader = new ContractReader(DataSet.FromPath(path), SmallContract.Parse());
        await foreach (var row in reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(string.Join("|", row.Values.ToArray().Select(v => v.State switch
            {
                FieldState.Valid => v.Category ?? v.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => v.State.ToString(),
            })));
        }

        Assert.All(reader.Parts, p => Assert.Null(p.Failure));
        return rows;
    }

    private static readonly string[] Expected = ["1.5|1|a|1", "Null|2|b, \"quoted\"|0", "3|Null|c|Null"];

    [Fact]
    public async Task Csv_with_rfc4180_quoting_reads_typed_rows() => Assert.Equal(Expected, await ReadAsync(_files.Write("d.csv", Csv)));

    [Fact]
    public async Task Gzipped_csv_reads_the_same_rows() => Assert.Equal(Expected, await ReadAsync(_files.WriteGzip("d.csv.gz", Csv)));

    [Fact]
    public async Task Json_lines_read_the_same_rows() => Assert.Equal(Expected, await ReadAsync(_files.Write("d.jsonl", """
        {"x": 1.5, "n": 1, "c": "a", "y": true}
        {"x": null, "n": 2, "c": "b, \"quoted\"", "y": false}
        {"x": 3, "c": "c", "y": null}
        """)));

    [Fact]
    public async Task A_json_array_reads_the_same_rows() => Assert.Equal(Expected, await ReadAsync(_files.WriteGzip("d.json.gz", """
        [{"x": 1.5, "n": 1, "c": "a", "y": true},
         {"x": null, "n": 2, "c": "b, \"quoted\"", "y": false},
         {"x": 3, "n": null, "c": "c", "y": null}]
        """)));

    [Fact]
    public async Task Parquet_reads_the_same_rows()
    {
        var path = Path.Combine(_files.Directory, "d.parquet");
        var x = new DataField<double?>("x");
        var n = new DataField<long?>("n");
        var c = new DataField<string>("c");
        var y = new DataField<bool?>("y");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(x, n, c, y), stream, cancellationToken: TestContext.Current.CancellationToken))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(x, new double?[] { 1.5, null, 3 }, cancellationToken: TestContext.Current.CancellationToken);
            await group.WriteAsync<long>(n, new long?[] { 1, 2, null }, cancellationToken: TestContext.Current.CancellationToken);
            await group.WriteAsync(c, ["a", "b, \"quoted\"", "c"]);
            await group.WriteAsync<bool>(y, new bool?[] { true, false, null }, cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Equal(Expected, await ReadAsync(path));
    }

    [Fact]
    public async Task A_prefix_reads_every_matching_part_in_name_order()
    {
        _files.Write("m-2001-02.csv", "x,n,c,y\n2,2,b,false\n");
        _files.Write("m-2001-01.csv", "x,n,c,y\n1,1,a,true\n");
        _files.Write("other.csv", "x,n,c,y\n9,9,c,true\n");

        var rows = await ReadAsync(Path.Combine(_files.Directory, "m-2001-"));

        Assert.Equal(["1|1|a|1", "2|2|b|0"], rows);
    }

    [Fact]
    public void A_path_with_no_data_file_is_a_file_not_found_error() =>
        Assert.Throws<FileNotFoundException>(() => DataSet.FromPath(Path.Combine(_files.Directory, "nothing-")));

    [Fact]
    public async Task A_second_pass_reads_the_same_rows_again()
    {
        var reader = new ContractReader(DataSet.FromPath(_files.Write("d.csv", Csv)), SmallContract.Parse());
        var first = new List<DataRow>();
        await foreach (var row in reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            first.Add(row.Clone());
        }

        var second = 0;
        await foreach (var row in reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            Assert.Equal(first[second++].Values.ToArray(), row.Values.ToArray());
        }

        Assert.Equal(3, second);
    }

    [Theory]
    [InlineData("yyyy-MM-dd HH:mm", "2001-02-28 23:59", true)]
    [InlineData("yyyy-MM-dd HH:mm", "2001-02-29 00:00", false)]
    [InlineData("yyyy-MM-dd HH:mm", "2001-02-28T23:59", false)]
    [InlineData("yyyy-MM-dd HH:mm", "2001-02-28 24:00", false)]
    [InlineData("yyyy/MM/dd HH:mm:ss", "2001/01/01 00:47:05", true)]
    [InlineData("dd MMM yyyy", "01 Jan 2001", true)]
    public void Fixed_width_dates_parse_like_TryParseExact(string format, string text, bool valid)
    {
        var parser = new FixedWidthDateParser(format);

        var parsed = parser.TryParse(text, out var value);

        Assert.Equal(valid, parsed);
        if (valid)
        {
            Assert.Equal(DateTime.ParseExact(text, format, System.Globalization.CultureInfo.InvariantCulture), value);
        }
    }
}

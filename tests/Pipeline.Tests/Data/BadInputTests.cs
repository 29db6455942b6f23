using System.Text;
using Mlops.Pipeline.Data;
using Mlops.Pipeline.Data.Readers;
using Mlops.Pipeline.Data.Validation;
using Mlops.Pipeline.Tests.Support;

namespace Mlops.Pipeline.Tests.Data;

/// <summary>Every bad input of issue 3: each ends in a clear report, never in an exception from inside a parser.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static async Task<ValidationReport> ValidateAsync(string path) =>
        await DataInspector.ValidateAsync(DataSet.FromPath(path), SmallContract.Parse(), cancellationToken: TestContext.Current.CancellationToken);

    private static void AssertFails(ValidationReport report, string rule, string? column = null)
    {
        Assert.False(report.Passed);
        var check = report.Find(rule, column);
        Assert.NotNull(check);
        Assert.False(check.Passed, $"{rule} passed: {check.Message}");
    }

    [Fact]
    public async Task An_empty_file_is_unreadable_with_no_header()
    {
        var report = await ValidateAsync(_files.Write("empty.csv", ""));

        AssertFails(report, "data.readable");
        Assert.Contains("no header", report.Find("data.readable")!.Examples![0].Value, StringComparison.Ordinal);
        AssertFails(report, "rows.min");
    }

    [Fact]
    public async Task A_header_only_file_has_zero_rows()
    {
        var report = await ValidateAsync(_files.Write("header.csv", SmallContract.Header + "\n"));

        AssertFails(report, "rows.min");
        Assert.True(report.Find("data.readable")!.Passed);
        Assert.Equal(0, report.Find("rows.min")!.Observed!.GetValue<long>());
    }

    [Fact]
    public async Task A_missing_column_is_named_and_its_part_is_not_read()
    {
        var report = await ValidateAsync(_files.Write("missing.csv", "x,n,y\n1,2,true\n"));

        AssertFails(report, "columns.missing");
        Assert.Equal("c", report.Find("columns.missing")!.Examples![0].Value);
    }

    [Fact]
    public async Task An_extra_column_fails_unless_the_contract_ignores_extras()
    {
        var path = _files.Write("extra.csv", "x,n,c,y,z\n1,2,a,true,9\n2,2,b,false,9\n");

        var report = await ValidateAsync(path);
        var lenient = await DataInspector.ValidateAsync(DataSet.FromPath(path),
            Mlops.Pipeline.Data.Contracts.DataContractParser.Parse(SmallContract.Json.Replace("\"minRows\": 1", "\"minRows\": 1, \"extraColumns\": \"ignore\"", StringComparison.Ordinal)),
            cancellationToken: TestContext.Current.CancellationToken);

        AssertFails(report, "columns.unexpected");
        Assert.Equal("z", report.Find("columns.unexpected")!.Examples![0].Value);
        Assert.True(lenient.Passed);
    }

    [Fact]
    public async Task A_duplicated_column_is_named()
    {
        var report = await ValidateAsync(_files.Write("dup.csv", "x,n,c,y,x\n1,2,a,true,3\n"));

        AssertFails(report, "columns.duplicated");
        Assert.Equal("x", report.Find("columns.duplicated")!.Examples![0].Value);
    }

    [Fact]
    public async Task Text_in_a_number_column_is_counted_with_its_row_and_value()
    {
        var report = await ValidateAsync(_files.Write("abc.csv", $"{SmallContract.Header}\n1,2,a,true\nabc,2,a,false\n3,2.5,b,true\n"));

        AssertFails(report, "column.type", "x");
        var check = report.Find("column.type", "x")!;
        Assert.Equal(1, check.Count);
        Assert.Equal(new RecordExample("abc.csv", 2, "abc"), check.Examples![0]);
        AssertFails(report, "column.type", "n"); // 2.5 is not a whole number
        Assert.Equal(1, report.Find("rows.min")!.Observed!.GetValue<long>());
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public async Task NaN_and_infinity_are_not_finite(string value)
    {
        var report = await ValidateAsync(_files.Write("nan.csv", $"{SmallContract.Header}\n{value},1,a,true\n1,1,a,false\n"));

        AssertFails(report, "column.finite", "x");
        Assert.Equal(value, report.Find("column.finite", "x")!.Examples![0].Value);
    }

    [Fact]
    public async Task Values_outside_the_range_are_counted_on_each_side()
    {
        var report = await ValidateAsync(_files.Write("range.csv", $"{SmallContract.Header}\n-1,1,a,true\n101,1,a,false\n150,1,a,false\n50,1,b,true\n"));

        AssertFails(report, "column.min", "x");
        AssertFails(report, "column.max", "x");
        Assert.Equal(-1.0, report.Find("column.min", "x")!.Observed!.GetValue<double>());
        Assert.Equal(2, report.Find("column.max", "x")!.Count);
        Assert.Equal(["101", "150"], report.Find("column.max", "x")!.Examples!.Select(e => e.Value));
    }

    [Fact]
    public async Task Unseen_categories_are_counted_against_the_allowed_share()
    {
        var report = await ValidateAsync(_files.Write("unseen.csv", $"{SmallContract.Header}\n1,1,a,true\n1,1,zz,false\n1,1,b,false\n1,1,c,true\n"));

        AssertFails(report, "column.categories", "c");
        var check = report.Find("column.categories", "c")!;
        Assert.Equal(0.25, check.Observed!.GetValue<double>());
        Assert.Equal("zz", check.Examples![0].Value);
    }

    [Fact]
    public async Task Invalid_utf8_stops_the_part_with_a_readable_reason()
    {
        var bytes = Encoding.UTF8.GetBytes($"{SmallContract.Header}\n1,1,a,true\n1,1,").Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(Encoding.UTF8.GetBytes(",true\n")).ToArray();

        var report = await ValidateAsync(_files.WriteBytes("utf8.csv", bytes));

        AssertFails(report, "data.readable");
        Assert.Contains("invalid UTF-8", report.Find("data.readable")!.Examples![0].Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_gzip_file_is_reported_as_corrupt()
    {
        var rows = string.Concat(Enumerable.Range(0, 5000).Select(i => $"{i % 100},{i},a,{(i % 2 == 0 ? "true" : "false")}\n"));
        var gzip = TestFiles.Gzip(Encoding.UTF8.GetBytes(SmallContract.Header + "\n" + rows));

        var report = await ValidateAsync(_files.WriteBytes("cut.csv.gz", gzip[..(gzip.Length / 2)]));

        AssertFails(report, "data.readable");
    }

    [Fact]
    public async Task An_unterminated_quote_stops_the_part_and_says_where()
    {
        var report = await ValidateAsync(_files.Write("quote.csv", $"{SmallContract.Header}\n1,1,a,true\n2,2,\"b,false\n3,3,c,true\n"));

        AssertFails(report, "data.readable");
        Assert.Contains("unterminated quoted field in column 'c'", report.Find("data.readable")!.Examples![0].Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_one_megabyte_field_is_reported_clipped_not_copied()
    {
        var huge = new string('q', 1 << 20);

        var report = await ValidateAsync(_files.Write("huge.csv", $"{SmallContract.Header}\n1,1,{huge},true\n2,1,b,false\n"));

        AssertFails(report, "column.maxLength", "c");
        var example = report.Find("column.maxLength", "c")!.Examples![0].Value;
        Assert.True(example.Length < 300, $"example of {example.Length} characters");
        Assert.Contains("1,048,576 characters", example, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Zero_rows_left_when_every_row_is_unusable()
    {
        var report = await ValidateAsync(_files.Write("bad.csv", $"{SmallContract.Header}\nabc,1,a,true\n1,1,a,maybe\n"));

        AssertFails(report, "rows.min");
        Assert.Equal(0, report.Find("rows.min")!.Observed!.GetValue<long>());
        Assert.Equal(2, report.Find("rows.min")!.Count);
    }

    [Fact]
    public async Task A_label_with_one_class_fails()
    {
        var report = await ValidateAsync(_files.Write("one.csv", $"{SmallContract.Header}\n1,1,a,true\n2,1,b,true\n"));

        AssertFails(report, "label.classes", "y");
        Assert.Equal(1, report.Find("label.classes")!.Observed!.GetValue<int>());
    }

    [Theory]
    [InlineData("parquet-named.csv", "is a Parquet file")]
    [InlineData("json-named.csv", "looks like JSON")]
    [InlineData("csv-named.parquet", "not a Parquet file")]
    [InlineData("csv-named.json", "is not a JSON array")]
    [InlineData("csv-named.jsonl", "is not JSON Lines")]
    [InlineData("plain-named.csv.gz", "not gzip-compressed")]
    [InlineData("gzip-named.csv", "is gzip-compressed")]
    public async Task A_file_that_is_not_the_format_its_name_says_is_reported(string name, string reason)
    {
        var content = name switch
        {
            "parquet-named.csv" => "PAR1\0\0\0garbage"u8.ToArray(),
            "json-named.csv" => """[{"x": 1}]"""u8.ToArray(),
            "gzip-named.csv" => TestFiles.Gzip(Encoding.UTF8.GetBytes(SmallContract.Header + "\n1,1,a,true\n")),
            _ => Encoding.UTF8.GetBytes(SmallContract.Header + "\n1,1,a,true\n"),
        };

        var report = await ValidateAsync(_files.WriteBytes(name, content));

        AssertFails(report, "data.readable");
        Assert.Contains(reason, report.Find("data.readable")!.Examples![0].Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_with_too_few_fields_is_malformed_and_the_rest_is_read()
    {
        var report = await ValidateAsync(_files.Write("short.csv", $"{SmallContract.Header}\n1,1,a,true\n2,2\n3,3,b,false\n"));

        AssertFails(report, "rows.malformed");
        Assert.Equal(new RecordExample("short.csv", 2, "2 fields where the header has 4"), report.Find("rows.malformed")!.Examples![0]);
        Assert.Equal(2, report.Find("rows.min")!.Observed!.GetValue<long>());
    }

    [Fact]
    public async Task A_broken_json_line_is_malformed_and_the_next_lines_are_read()
    {
        var report = await ValidateAsync(_files.Write("lines.jsonl", """
            {"x": 1, "n": 1, "c": "a", "y": true}
            {"x": 2, "n":
            {"x": 3, "n": 3, "c": "b", "y": false}
            """));

        AssertFails(report, "rows.malformed");
        Assert.Equal(2, report.Find("rows.min")!.Observed!.GetValue<long>());
    }

    [Fact]
    public async Task Too_many_nulls_fail_the_null_fraction()
    {
        var report = await ValidateAsync(_files.Write("nulls.csv", $"{SmallContract.Header}\n,1,a,true\n2,,b,false\n"));

        AssertFails(report, "column.maxNullFraction", "x");
        Assert.True(report.Find("column.maxNullFraction", "n")!.Passed); // n allows half
    }

    [Fact]
    public async Task Duplicated_rows_beyond_the_allowed_fraction_fail_with_the_row_they_repeat()
    {
        var contract = Mlops.Pipeline.Data.Contracts.DataContractParser.Parse(
            SmallContract.Json.Replace("\"minRows\": 1", "\"minRows\": 1, \"maxDuplicateRowFraction\": 0.1", StringComparison.Ordinal));
        var path = _files.Write("dups.csv", $"{SmallContract.Header}\n1,1,a,true\n2,1,a,false\n1,1,a,true\n3,1,b,true\n");

        var report = await DataInspector.ValidateAsync(DataSet.FromPath(path), contract, cancellationToken: TestContext.Current.CancellationToken);

        var check = report.Find("rows.maxDuplicateFraction")!;
        Assert.False(check.Passed);
        Assert.Equal(0.25, check.Observed!.GetValue<double>());
        Assert.Equal(new RecordExample("dups.csv", 3, "repeats row 1 of dups.csv"), check.Examples![0]);
    }

    [Fact]
    public async Task Good_data_passes_every_check()
    {
        var report = await ValidateAsync(_files.Write("good.csv", $"{SmallContract.Header}\n1,1,a,true\n2.5,,\"b\",false\n"));

        Assert.True(report.Passed, string.Join("; ", report.Failures.Select(f => $"{f.Rule} {f.Column}: {f.Message}")));
    }
}

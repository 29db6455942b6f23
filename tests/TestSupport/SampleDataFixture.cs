using Mlops.Local.Samples;
using Mlops.Local.Toolchain;
using Xunit;

namespace Mlops.TestSupport;

/// <summary>
/// The flights sample data sets (flights-20k.json split by month) written once per test assembly into a
/// temporary folder: real public data for tests that need it.
/// </summary>
public sealed class SampleDataFixture : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"mlops-samples-{Guid.NewGuid():N}");

    public IReadOnlyList<MonthlySample> Months { get; private set; } = [];

    public ToolchainDirectory Toolchain { get; } = ToolchainDirectory.Locate();

    /// <summary>The CSV data set of one month, e.g. <c>PathOf("2001-01")</c>.</summary>
    public string PathOf(string month) => Path.Combine(Directory, FlightsSampleData.FileName(month));

    public async ValueTask InitializeAsync()
    {
        await new NodeToolchain(Toolchain).EnsureInstalledAsync();
        Months = await FlightsSampleData.WriteMonthlyCsvAsync(
            FlightsSource.ReadAsync(FlightsSource.PathOf(Toolchain, FlightsSourceKind.Flights20k)), Directory);
    }

    public ValueTask DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

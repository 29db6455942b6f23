using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Mlops.Scoring.Tests;

public sealed class ModelLoadingTests(ScoringAppFixture fixture)
{
    [Fact]
    public async Task A_tampered_model_keeps_the_app_not_ready_with_the_reason()
    {
        var logs = new RecordingLoggerProvider();
        var (_, client) = await fixture.StartAppAsync(fixture.TamperedVersion.ToString(), logs: logs);

        using var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        using var score = await client.PostAsJsonAsync("/score", ScoringAppFixture.RequestRow(fixture.Model.Holdout[0]), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var reason = (await ready.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("reason").GetString();
        Assert.Contains("SHA-256", reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, score.StatusCode);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message == reason);
    }

    [Fact]
    public async Task A_version_that_does_not_exist_keeps_the_app_not_ready_naming_it()
    {
        var (_, client) = await fixture.StartAppAsync("99");

        using var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var reason = (await ready.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("reason").GetString();
        Assert.Contains("99", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_alias_is_resolved_to_its_version_at_start()
    {
        await fixture.Registry.SetAliasAsync("flights", "champion", fixture.GoodVersion, expectedVersion: null, actor: "scoring-tests", cancellationToken: TestContext.Current.CancellationToken);
        var (_, client) = await fixture.StartAppAsync("champion");

        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(fixture.GoodVersion.ToString(), ready.GetProperty("version").GetString());
    }
}

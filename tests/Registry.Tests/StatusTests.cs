using System.Text.Json;
using Mlops.TestSupport;

namespace Mlops.Registry.Tests;

public sealed class StatusTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_version_is_registered()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        await test.Registry.RegisterAsync(Candidates.Write(), "p", cancellationToken: Ct);

        var status = await test.Registry.GetStatusAsync("flights", 1, Ct);

        Assert.Equal(VersionStatus.Registered, status.Status);
    }

    [Fact]
    public async Task Rejecting_keeps_reason_and_evidence_beside_an_unchanged_manifest()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        await test.Registry.RegisterAsync(Candidates.Write(), "p", cancellationToken: Ct);
        var manifestBlob = test.Container.GetBlobClient("flights/versions/1/manifest.json");
        var before = (await manifestBlob.GetPropertiesAsync(cancellationToken: Ct)).Value.ETag;
        using var evidence = JsonDocument.Parse("""{"gate":"auc","min":0.65,"actual":0.61}""");
        test.Time.Advance(TimeSpan.FromMinutes(5));

        await test.Registry.SetStatusAsync("flights", 1, VersionStatus.Rejected, "gate-check", "AUC 0.61 below 0.65", evidence.RootElement, Ct);

        var status = await test.Registry.GetStatusAsync("flights", 1, Ct);
        Assert.Equal((VersionStatus.Rejected, "AUC 0.61 below 0.65", "gate-check"), (status.Status, status.Reason, status.UpdatedBy));
        Assert.Equal(0.61, status.Evidence!.Value.GetProperty("actual").GetDouble());
        Assert.Equal(before, (await manifestBlob.GetPropertiesAsync(cancellationToken: Ct)).Value.ETag);
        Assert.Equal(VersionStatus.Rejected, Assert.Single(await test.Registry.ListVersionsAsync("flights", Ct)).Status);
        var audit = Assert.Single(await test.Registry.GetHistoryAsync("flights", Ct), e => e.Action == AuditActions.Status);
        Assert.Equal(("registered", "rejected", "AUC 0.61 below 0.65", TestRegistry.Start.AddMinutes(5)), (audit.From, audit.To, audit.Reason, audit.Time));
    }

    [Fact]
    public async Task A_retired_version_cannot_be_deployed_again()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        await test.Registry.RegisterAsync(Candidates.Write(), "p", cancellationToken: Ct);
        await test.Registry.SetStatusAsync("flights", 1, VersionStatus.Retired, "ops", "superseded", cancellationToken: Ct);

        var conflict = await Assert.ThrowsAsync<RegistryConflictException>(
            () => test.Registry.SetStatusAsync("flights", 1, VersionStatus.Deployed, "ops", cancellationToken: Ct));

        Assert.Contains("version 1 of model 'flights' is retired", conflict.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Rejecting_without_a_reason_is_refused()
    {
        var test = await TestRegistry.CreateAsync(azurite);
        await test.Registry.RegisterAsync(Candidates.Write(), "p", cancellationToken: Ct);

        await Assert.ThrowsAsync<ArgumentException>(
            () => test.Registry.SetStatusAsync("flights", 1, VersionStatus.Rejected, "gate", reason: " ", cancellationToken: Ct));
    }

    [Fact]
    public async Task The_status_of_an_unregistered_version_is_not_found()
    {
        var test = await TestRegistry.CreateAsync(azurite);

        var missing = await Assert.ThrowsAsync<RegistryNotFoundException>(
            () => test.Registry.SetStatusAsync("flights", 4, VersionStatus.Deployed, "ops", cancellationToken: Ct));

        Assert.Equal(("flights", 4), (missing.Model, missing.Version));
    }

    [Theory]
    [InlineData(VersionStatus.Registered, VersionStatus.Deployed, true)]
    [InlineData(VersionStatus.Deployed, VersionStatus.Rejected, true)]
    [InlineData(VersionStatus.Rejected, VersionStatus.Retired, true)]
    [InlineData(VersionStatus.Rejected, VersionStatus.Deployed, false)]
    [InlineData(VersionStatus.Retired, VersionStatus.Deployed, false)]
    [InlineData(VersionStatus.Deployed, VersionStatus.Registered, false)]
    public void Transitions_only_go_forward(VersionStatus from, VersionStatus to, bool allowed) =>
        Assert.Equal(allowed, ModelRegistry.IsAllowedTransition(from, to));
}

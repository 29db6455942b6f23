using Mlops.TestSupport;

namespace Mlops.Registry.Tests;

public sealed class AliasTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<TestRegistry> WithVersionsAsync(AzuriteFixture azurite, int count)
    {
        var test = await TestRegistry.CreateAsync(azurite);
        for (var i = 1; i <= count; i++)
        {
            await test.Registry.RegisterAsync(Candidates.Write(seed: i), "setup", cancellationToken: Ct);
        }

        return test;
    }

    [Fact]
    public async Task Two_concurrent_moves_from_the_same_expected_version_exactly_one_wins()
    {
        var test = await WithVersionsAsync(azurite, 3);
        await test.Registry.SetAliasAsync("flights", "challenger", 1, expectedVersion: null, "setup", cancellationToken: Ct);
        // Two registries, as two pipeline instances would have.
        var other = test.Plain(azurite);

        var moves = new[]
        {
            Task.Run(() => test.Registry.SetAliasAsync("flights", "challenger", 2, expectedVersion: 1, "pipeline-a", cancellationToken: Ct), Ct),
            Task.Run(() => other.SetAliasAsync("flights", "challenger", 3, expectedVersion: 1, "pipeline-b", cancellationToken: Ct), Ct),
        };
        var outcomes = await Task.WhenAll(moves.Select(async move =>
        {
            try
            {
                return (State: await move, Error: (RegistryConflictException?)null);
            }
            catch (RegistryConflictException ex)
            {
                return (State: (AliasState?)null, Error: ex);
            }
        }));

        var winner = Assert.Single(outcomes, o => o.State is not null).State!;
        var loser = Assert.Single(outcomes, o => o.Error is not null).Error!;
        Assert.Contains("'challenger'", loser.Message, StringComparison.Ordinal);
        Assert.Contains("'flights'", loser.Message, StringComparison.Ordinal);
        Assert.Equal("challenger", loser.Alias);
        Assert.Equal(winner.Version, (await test.Registry.GetAliasAsync("flights", "challenger", Ct))!.Version);
        Assert.Single(await test.Registry.GetHistoryAsync("flights", Ct), e => e.Action == AuditActions.Alias && e.From == "1");
    }

    [Fact]
    public async Task A_move_with_a_stale_expected_version_is_a_conflict_that_names_the_current_version()
    {
        var test = await WithVersionsAsync(azurite, 3);
        await test.Registry.SetAliasAsync("flights", "challenger", 2, expectedVersion: null, "setup", cancellationToken: Ct);

        var conflict = await Assert.ThrowsAsync<RegistryConflictException>(
            () => test.Registry.SetAliasAsync("flights", "challenger", 3, expectedVersion: 1, "late", cancellationToken: Ct));

        Assert.Contains("points at version 2", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await test.Registry.GetAliasAsync("flights", "challenger", Ct))!.Version);
    }

    [Fact]
    public async Task Creating_an_alias_that_already_exists_is_a_conflict()
    {
        var test = await WithVersionsAsync(azurite, 2);
        await test.Registry.SetAliasAsync("flights", "challenger", 1, expectedVersion: null, "first", cancellationToken: Ct);

        await Assert.ThrowsAsync<RegistryConflictException>(
            () => test.Registry.SetAliasAsync("flights", "challenger", 2, expectedVersion: null, "second", cancellationToken: Ct));
    }

    [Fact]
    public async Task Promotion_moves_champion_and_keeps_the_old_champion_as_previous()
    {
        var test = await WithVersionsAsync(azurite, 3);
        await test.Registry.PromoteAsync("flights", 1, expectedChampion: null, "p1", "first model", Ct);
        await test.Registry.PromoteAsync("flights", 2, expectedChampion: 1, "p2", "better AUC", Ct);

        var result = await test.Registry.PromoteAsync("flights", 3, expectedChampion: 2, "p3", "better again", Ct);

        Assert.Equal((3, 2), (result.Champion.Version, result.Previous!.Version));
        Assert.Equal(3, await test.Registry.ResolveVersionAsync("flights", RegistryNames.Champion, Ct));
        Assert.Equal(2, await test.Registry.ResolveVersionAsync("flights", RegistryNames.Previous, Ct));
        var moves = (await test.Registry.GetHistoryAsync("flights", Ct)).Where(e => e.Action == AuditActions.Alias).ToList();
        // previous is always written before champion (see PromoteAsync).
        Assert.Equal(
            ["champion:->1", "previous:->1", "champion:1->2", "previous:1->2", "champion:2->3"],
            moves.Select(e => $"{e.Alias}:{e.From}->{e.To}"));
    }

    [Fact]
    public async Task Two_concurrent_promotions_from_the_same_champion_leave_one_winner_and_a_consistent_pair()
    {
        var test = await WithVersionsAsync(azurite, 3);
        await test.Registry.PromoteAsync("flights", 1, expectedChampion: null, "setup", cancellationToken: Ct);
        var other = test.Plain(azurite);

        var results = await Task.WhenAll(
            Task.Run(() => Outcome(test.Registry.PromoteAsync("flights", 2, 1, "a", cancellationToken: Ct)), Ct),
            Task.Run(() => Outcome(other.PromoteAsync("flights", 3, 1, "b", cancellationToken: Ct)), Ct));

        Assert.Single(results, won => won);
        var champion = await test.Registry.ResolveVersionAsync("flights", RegistryNames.Champion, Ct);
        Assert.True(champion is 2 or 3, $"champion is {champion}");
        Assert.Equal(1, await test.Registry.ResolveVersionAsync("flights", RegistryNames.Previous, Ct));
    }

    private static async Task<bool> Outcome(Task<PromotionResult> promotion)
    {
        try
        {
            await promotion;
            return true;
        }
        catch (RegistryConflictException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Repeating_a_promotion_that_already_happened_changes_nothing()
    {
        var test = await WithVersionsAsync(azurite, 2);
        await test.Registry.PromoteAsync("flights", 1, expectedChampion: null, "setup", cancellationToken: Ct);
        await test.Registry.PromoteAsync("flights", 2, expectedChampion: 1, "activity", cancellationToken: Ct);
        var entries = (await test.Registry.GetHistoryAsync("flights", Ct)).Count;

        var again = await test.Registry.PromoteAsync("flights", 2, expectedChampion: 1, "activity-retry", cancellationToken: Ct);

        Assert.Equal((2, 1), (again.Champion.Version, again.Previous!.Version));
        Assert.Equal(entries, (await test.Registry.GetHistoryAsync("flights", Ct)).Count);
    }

    [Fact]
    public async Task An_alias_cannot_point_at_a_rejected_or_unregistered_version()
    {
        var test = await WithVersionsAsync(azurite, 1);
        await test.Registry.SetStatusAsync("flights", 1, VersionStatus.Rejected, "gate", "AUC below 0.6", cancellationToken: Ct);

        var rejected = await Assert.ThrowsAsync<RegistryConflictException>(
            () => test.Registry.PromoteAsync("flights", 1, expectedChampion: null, "p", cancellationToken: Ct));
        await Assert.ThrowsAsync<RegistryNotFoundException>(
            () => test.Registry.SetAliasAsync("flights", "challenger", 9, expectedVersion: null, "p", cancellationToken: Ct));

        Assert.Contains("rejected", rejected.Message, StringComparison.Ordinal);
        Assert.Null(await test.Registry.GetAliasAsync("flights", RegistryNames.Champion, Ct));
    }

    [Fact]
    public async Task List_versions_shows_each_version_with_its_aliases()
    {
        var test = await WithVersionsAsync(azurite, 2);
        await test.Registry.PromoteAsync("flights", 1, null, "p", cancellationToken: Ct);
        await test.Registry.PromoteAsync("flights", 2, 1, "p", cancellationToken: Ct);

        var versions = await test.Registry.ListVersionsAsync("flights", Ct);

        Assert.Equal(["1:previous", "2:champion"], versions.Select(v => $"{v.Version}:{string.Join(',', v.Aliases)}"));
    }
}

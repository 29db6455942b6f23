using System.CommandLine;
using Mlops.Cli;
using Mlops.Cli.Commands;
using Mlops.TestSupport;

namespace Mlops.Registry.Tests;

public sealed class CliTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string[]> ConnectionAsync()
    {
        var container = await azurite.CreateContainerAsync("cli", Ct);
        return ["--connection-string", azurite.ConnectionString, "--container", container.Name];
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exitCode = await MlopsCommand.RunAsync(args, output, error, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Register_then_list_show_and_history_describe_the_new_version()
    {
        var connection = await ConnectionAsync();
        var folder = Candidates.Write();

        var register = await RunAsync(["models", "register", "--from", folder, "--actor", "cli-test", .. connection]);
        var list = await RunAsync(["models", "list", "--model", "flights", .. connection]);
        var show = await RunAsync(["models", "show", "--model", "flights", "--version", "1", .. connection]);
        var history = await RunAsync(["models", "history", "--model", "flights", .. connection]);
        var models = await RunAsync(["models", "list", .. connection]);

        Assert.Equal((0, 0, 0, 0, 0), (register.ExitCode, list.ExitCode, show.ExitCode, history.ExitCode, models.ExitCode));
        Assert.Contains("Registered model 'flights' version 1", register.Output, StringComparison.Ordinal);
        Assert.Contains("registered", list.Output.Split('\n')[1], StringComparison.Ordinal);
        Assert.Contains("\"registeredBy\": \"cli-test\"", show.Output, StringComparison.Ordinal);
        Assert.Contains("\"trainer\": \"LightGbm\"", show.Output, StringComparison.Ordinal);
        Assert.Contains("register", history.Output.Split('\n')[1], StringComparison.Ordinal);
        Assert.Equal("flights", models.Output.Trim());
    }

    [Theory]
    [InlineData("list", "--model", "Bad/Name")]
    [InlineData("show", "--model", "flights", "--version", "LATEST")]
    [InlineData("history", "--model", "../flights")]
    [InlineData("register", "--from", "/nonexistent/candidate")]
    [InlineData("show")]
    public async Task Bad_arguments_exit_with_2(params string[] args)
    {
        var connection = await ConnectionAsync();

        var run = await RunAsync(["models", .. args, .. connection]);

        Assert.Equal(ExitCodes.BadArguments, run.ExitCode);
        Assert.NotEqual("", run.Error.Trim());
    }

    [Fact]
    public async Task A_candidate_for_another_model_exits_with_2()
    {
        var connection = await ConnectionAsync();

        var run = await RunAsync(["models", "register", "--from", Candidates.Write(model: "taxis"), "--model", "flights", .. connection]);

        Assert.Equal(ExitCodes.BadArguments, run.ExitCode);
        Assert.Contains("'taxis', not 'flights'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Showing_a_version_that_does_not_exist_exits_with_1_and_names_it()
    {
        var connection = await ConnectionAsync();

        var run = await RunAsync(["models", "show", "--model", "flights", "--version", "7", .. connection]);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("Model 'flights' has no version 7.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_connection_the_command_exits_with_2_and_names_the_options()
    {
        var root = new RootCommand { ModelsCommand.Create(_ => null) };
        var error = new StringWriter();

        var exitCode = await root.Parse(["models", "list"]).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error }, Ct);

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Contains("--connection-string", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_connection_can_come_from_the_environment()
    {
        var container = await azurite.CreateContainerAsync("cli", Ct);
        var environment = new Dictionary<string, string?> { [ModelsCommand.ConnectionVariable] = azurite.ConnectionString };
        var root = new RootCommand { ModelsCommand.Create(environment.GetValueOrDefault) };
        var output = new StringWriter();

        var exitCode = await root.Parse(["models", "register", "--from", Candidates.Write(), "--container", container.Name])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = new StringWriter() }, Ct);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("version 1", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promote_moves_champion_and_previous_and_refuses_a_stale_expectation()
    {
        var connection = await ConnectionAsync();
        foreach (var _ in Enumerable.Range(0, 3))
        {
            Assert.Equal(0, (await RunAsync(["models", "register", "--from", Candidates.Write(), .. connection])).ExitCode);
        }

        var first = await RunAsync(["models", "promote", "--model", "flights", "--version", "1", "--expect-champion", "none", "--actor", "release-7", .. connection]);
        var second = await RunAsync(["models", "promote", "--model", "flights", "--version", "2", "--expect-champion", "1", "--reason", "beat v1 on the holdout", .. connection]);
        var repeated = await RunAsync(["models", "promote", "--model", "flights", "--version", "2", "--expect-champion", "1", .. connection]);
        var stale = await RunAsync(["models", "promote", "--model", "flights", "--version", "3", "--expect-champion", "1", .. connection]);
        var list = await RunAsync(["models", "list", "--model", "flights", .. connection]);
        var history = await RunAsync(["models", "history", "--model", "flights", .. connection]);

        Assert.Equal((0, 0, 0), (first.ExitCode, second.ExitCode, repeated.ExitCode));
        Assert.Contains("champion is version 1; there is no previous version.", first.Output, StringComparison.Ordinal);
        Assert.Contains("champion is version 2, previous is version 1.", second.Output, StringComparison.Ordinal);
        Assert.Equal(second.Output, repeated.Output);
        Assert.Equal(ExitCodes.Failed, stale.ExitCode);
        Assert.Contains("version 2", stale.Error, StringComparison.Ordinal);
        var aliases = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToDictionary(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
        Assert.Contains("previous", aliases["1"], StringComparison.Ordinal);
        Assert.Contains("champion", aliases["2"], StringComparison.Ordinal);
        Assert.DoesNotContain("champion", aliases["3"], StringComparison.Ordinal);
        Assert.Contains("release-7", history.Output, StringComparison.Ordinal);
        Assert.Contains("beat v1 on the holdout", history.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alias_is_compare_and_swap_and_leaves_champion_to_promote()
    {
        var connection = await ConnectionAsync();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            Assert.Equal(0, (await RunAsync(["models", "register", "--from", Candidates.Write(), .. connection])).ExitCode);
        }

        var created = await RunAsync(["models", "alias", "--model", "flights", "--alias", "challenger", "--version", "1", "--expect", "none", .. connection]);
        var moved = await RunAsync(["models", "alias", "--model", "flights", "--alias", "challenger", "--version", "2", "--expect", "1", .. connection]);
        var stale = await RunAsync(["models", "alias", "--model", "flights", "--alias", "challenger", "--version", "1", "--expect", "1", .. connection]);
        var champion = await RunAsync(["models", "alias", "--model", "flights", "--alias", "champion", "--version", "2", "--expect", "none", .. connection]);
        var show = await RunAsync(["models", "show", "--model", "flights", "--version", "challenger", .. connection]);

        Assert.Equal((0, 0), (created.ExitCode, moved.ExitCode));
        Assert.Contains("alias 'challenger' names version 2.", moved.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failed, stale.ExitCode);
        Assert.Equal(ExitCodes.BadArguments, champion.ExitCode);
        Assert.Contains("mlops models promote", champion.Error, StringComparison.Ordinal);
        Assert.Contains("version: 2", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_follows_the_allowed_transitions_and_a_rejected_version_cannot_be_promoted()
    {
        var connection = await ConnectionAsync();
        Assert.Equal(0, (await RunAsync(["models", "register", "--from", Candidates.Write(), .. connection])).ExitCode);

        var noReason = await RunAsync(["models", "status", "--model", "flights", "--version", "1", "--set", "rejected", .. connection]);
        var rejected = await RunAsync(["models", "status", "--model", "flights", "--version", "1", "--set", "rejected", "--reason", "canary failed", .. connection]);
        var backToDeployed = await RunAsync(["models", "status", "--model", "flights", "--version", "1", "--set", "deployed", .. connection]);
        var promote = await RunAsync(["models", "promote", "--model", "flights", "--version", "1", "--expect-champion", "none", .. connection]);
        var show = await RunAsync(["models", "show", "--model", "flights", "--version", "1", .. connection]);

        Assert.Equal(ExitCodes.BadArguments, noReason.ExitCode);
        Assert.Contains("needs a reason", noReason.Error, StringComparison.Ordinal);
        Assert.Equal(0, rejected.ExitCode);
        Assert.Equal(ExitCodes.Failed, backToDeployed.ExitCode);
        Assert.Contains("is rejected; it cannot become deployed", backToDeployed.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failed, promote.ExitCode);
        Assert.Contains("status:  rejected (canary failed)", show.Output, StringComparison.Ordinal);
        Assert.Contains("aliases: \n", show.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("promote", "--model", "flights", "--version", "1", "--expect-champion", "v1")]
    [InlineData("promote", "--model", "flights", "--version", "1")]
    [InlineData("alias", "--model", "flights", "--alias", "Bad/Alias", "--version", "1", "--expect", "none")]
    [InlineData("status", "--model", "flights", "--version", "1", "--set", "registered")]
    [InlineData("status", "--model", "flights", "--version", "0", "--set", "retired")]
    public async Task Bad_arguments_to_the_changing_commands_exit_with_2(params string[] args)
    {
        var connection = await ConnectionAsync();

        var run = await RunAsync(["models", .. args, .. connection]);

        Assert.Equal(ExitCodes.BadArguments, run.ExitCode);
        Assert.NotEqual("", run.Error.Trim());
    }
}

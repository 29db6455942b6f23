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
}

using Mlops.Cli;

namespace Mlops.Pipeline.Tests.Support;

/// <summary>Runs the <c>mlops</c> command in-process, capturing what it prints.</summary>
internal static class MlopsCli
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await MlopsCommand.RunAsync(args, output, error, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }
}

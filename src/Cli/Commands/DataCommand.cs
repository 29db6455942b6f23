using System.CommandLine;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops data ...</c>: sample data sets and data checks.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var data = new Command("data", "Sample data sets, validation, profiles and drift.");
        data.Add(DataSamplesCommand.Create());
        return data;
    }
}

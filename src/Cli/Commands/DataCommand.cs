using System.CommandLine;

namespace Mlops.Cli.Commands;

/// <summary><c>mlops data ...</c>: sample data sets and data checks.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var data = new Command("data", "Sample data sets, validation, profiles and drift.");
        data.Add(DataSamplesCommand.Create());
        data.Add(DataValidateCommand.Create());
        data.Add(DataProfileCommand.Create());
        data.Add(DataDriftCommand.Create());
        return data;
    }
}

using System.IO.Compression;
using System.Text;
using Mlops.Pipeline.Data.Contracts;

namespace Mlops.Pipeline.Tests.Support;

/// <summary>A temporary folder of data files for one test, deleted afterwards.</summary>
public sealed class TestFiles : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("mlops-pipeline-").FullName;

    public string Write(string name, string content) => WriteBytes(name, Encoding.UTF8.GetBytes(content));

    public string WriteBytes(string name, byte[] content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string WriteGzip(string name, string content) => WriteBytes(name, Gzip(Encoding.UTF8.GetBytes(content)));

    public static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>Files of the repository, found from the test's output folder upwards.</summary>
public static class RepositoryFiles
{
    public static string PathOf(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"'{relativePath}' is not above {AppContext.BaseDirectory}.");
    }

    public static DataContract FlightsContract() => DataContractParser.Parse(File.ReadAllText(PathOf("samples/flights/contract.json")));
}

/// <summary>A small contract for hand-made data: x (number 0..100), n (integer), c (categorical a/b/c), y (boolean label).</summary>
public static class SmallContract
{
    public const string Json = """
        {
          "columns": [
            { "name": "x", "type": "number", "min": 0, "max": 100 },
            { "name": "n", "type": "integer", "maxNullFraction": 0.5 },
            { "name": "c", "type": "categorical", "categories": ["a", "b", "c"], "maxUnseenShare": 0 },
            { "name": "y", "type": "boolean", "role": "label" }
          ],
          "rules": { "minRows": 1 }
        }
        """;

    public const string Header = "x,n,c,y";

    public static DataContract Parse() => DataContractParser.Parse(Json);
}

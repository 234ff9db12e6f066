using Kubiya.Core.Errors;
using Kubiya.Core.Workers;

namespace Kubiya.Core.Tests.Daemon;

/// <summary>daemon_options.txt: what a supervisor records so `worker restart` starts it the same way.</summary>
[Trait("Category", "Daemon")]
public sealed class DaemonOptionsFileTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("kubiya-home-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(home, true); } catch (IOException) { }
    }

    [Fact]
    public void EveryOptionSurvivesTheRoundTrip()
    {
        var paths = new WorkerPaths("opts", home);
        var options = new DaemonOptions
        {
            MaxLogBytes = 65536,
            MaxLogBackups = 2,
            InitialBackoff = TimeSpan.FromSeconds(1.5),
            MaxBackoff = TimeSpan.FromSeconds(9),
            StableAfter = TimeSpan.FromSeconds(42),
            DrainTimeout = TimeSpan.FromSeconds(7),
            ModelConfigPath = "/srv/models folder/models.yaml",
            WebUIPort = 9123,
        };
        DaemonOptionsFile.Write(paths, options);
        Assert.Equal(options, DaemonOptionsFile.TryRead(paths));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DaemonOptionsFile.FileOf(paths)));

        var noUI = options with { WebUIPort = null, NoWebUI = true, ModelConfigPath = null };
        DaemonOptionsFile.Write(paths, noUI);
        Assert.Equal(noUI, DaemonOptionsFile.TryRead(paths));
    }

    [Fact]
    public void NoFileOrABrokenOneReadsAsNothingRecorded()
    {
        var paths = new WorkerPaths("none", home);
        Assert.Null(DaemonOptionsFile.TryRead(paths));
        Directory.CreateDirectory(paths.Directory);
        File.WriteAllText(DaemonOptionsFile.FileOf(paths), "--max-log-size\nlots\n");
        Assert.Null(DaemonOptionsFile.TryRead(paths));
    }

    [Fact]
    public void UnknownOptionsAreNamedInTheError()
    {
        var e = Assert.Throws<KubiyaException>(() => DaemonOptions.FromArguments(new[] { "--max-log-size", "2048", "--colour", "red" }));
        Assert.Equal("InvalidDaemonOption", e.ErrorId);
        Assert.Contains("--colour", e.Message);
    }
}

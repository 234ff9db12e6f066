using System.Text.Json;
using System.Text.RegularExpressions;
using Kubiya.Cli.Tests.Infrastructure;

namespace Kubiya.Cli.Tests.Cli;

/// <summary>
/// A step's stdout and stderr lines keep the order the step wrote them in: live, in the execution's
/// output and in its durable log. The step pauses between writes, since two pipes cannot order writes
/// made within microseconds of each other (see OrderedOutputReader).
/// </summary>
[Collection(CliCollection.Name)]
[Trait("Category", "Cli")]
public sealed class OutputOrderTests(CliFixture fx)
{
    private const string Interleaved = "for i in 1 2 3 4; do echo out$i; sleep 0.3; echo err$i >&2; sleep 0.3; done";

    private static readonly string[] Expected = { "out1", "err1", "out2", "err2", "out3", "err3", "out4", "err4" };

    private static string[] Marks(IEnumerable<string> lines) => lines.Select(l => l.Trim()).Where(l => Regex.IsMatch(l, "^(out|err)[0-9]$")).ToArray();

    [Fact]
    public async Task StdoutAndStderrKeepTheirOrderLiveInTheOutputAndInTheLog()
    {
        // json: the live log (output and stderr lines alike) goes to stderr, the result to stdout.
        var r = (await fx.Env.RunAsync("exec", "agent", "shell", Interleaved, "--local", "--yes", "-o", "json")).Exit(0);
        Assert.Equal(Expected, Marks(r.Stderr.Split('\n')));
        Assert.Equal(Expected, Marks(r.Json.GetProperty("output").GetString()!.Split('\n')));

        var id = r.Json.GetProperty("id").GetString()!;
        var records = (await fx.Env.RunAsync("execution", "logs", id, "-o", "json")).Exit(0).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var lines = records.Where(e => e.GetProperty("kind").GetString() is "Output" or "Error").ToList();
        Assert.Equal(Expected, lines.Select(e => e.GetProperty("text").GetString()!).ToArray());
        Assert.All(lines, e => Assert.Equal(e.GetProperty("text").GetString()!.StartsWith("err") ? "Error" : "Output", e.GetProperty("kind").GetString()));
    }
}

using System.IO.Pipes;
using System.Text;
using Kubiya.Core.Processes;

namespace Kubiya.Core.Tests.Processes;

/// <summary>The reader that merges a step's two pipes into one ordered line stream.</summary>
public sealed class OrderedOutputReaderTests
{
    private sealed class Pipes : IDisposable
    {
        public readonly AnonymousPipeServerStream OutWriter = new(PipeDirection.Out);
        public readonly AnonymousPipeServerStream ErrWriter = new(PipeDirection.Out);
        public readonly AnonymousPipeClientStream OutReader;
        public readonly AnonymousPipeClientStream ErrReader;
        public readonly List<(string Text, bool Error)> Lines = new();

        public Pipes()
        {
            OutReader = new AnonymousPipeClientStream(PipeDirection.In, OutWriter.ClientSafePipeHandle);
            ErrReader = new AnonymousPipeClientStream(PipeDirection.In, ErrWriter.ClientSafePipeHandle);
        }

        public OrderedOutputReader Start() => new(OutReader, ErrReader, (text, error) => { lock (Lines) Lines.Add((text, error)); });

        public static void Write(Stream s, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            s.Write(bytes, 0, bytes.Length);
            s.Flush();
        }

        public void Dispose()
        {
            OutWriter.Dispose(); ErrWriter.Dispose(); OutReader.Dispose(); ErrReader.Dispose();
        }
    }

    [Fact]
    public async Task LinesWrittenApartToTwoPipesComeOutInWriteOrder()
    {
        using var p = new Pipes();
        var reader = p.Start();
        for (var i = 1; i <= 5; i++)
        {
            Pipes.Write(p.OutWriter, $"out{i}\n");
            await Task.Delay(30);
            Pipes.Write(p.ErrWriter, $"err{i}\n");
            await Task.Delay(30);
        }
        p.OutWriter.Dispose();
        p.ErrWriter.Dispose();
        await reader.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { "out1", "err1", "out2", "err2", "out3", "err3", "out4", "err4", "out5", "err5" }, p.Lines.Select(l => l.Text));
        Assert.All(p.Lines, l => Assert.Equal(l.Text.StartsWith("err"), l.Error));
    }

    [Fact]
    public async Task PartialLinesCrLfSplitCharactersAndALastLineWithoutNewlineAreWhole()
    {
        using var p = new Pipes();
        var reader = p.Start();
        var euro = Encoding.UTF8.GetBytes("€");
        Pipes.Write(p.OutWriter, "hal");
        await Task.Delay(30);
        Pipes.Write(p.OutWriter, "f line\r\nprice: ");
        p.OutWriter.Write(euro, 0, 1);
        p.OutWriter.Flush();
        await Task.Delay(30);
        p.OutWriter.Write(euro, 1, euro.Length - 1);
        Pipes.Write(p.OutWriter, "5\n\nno newline at the end");
        p.OutWriter.Dispose();
        p.ErrWriter.Dispose();
        await reader.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { "half line", "price: €5", "", "no newline at the end" }, p.Lines.Select(l => l.Text));
    }

    [Fact]
    public async Task NoLineIsDeliveredAfterDetach()
    {
        using var p = new Pipes();
        var reader = p.Start();
        Pipes.Write(p.OutWriter, "before\n");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (p.Lines.Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        reader.Detach();
        Pipes.Write(p.OutWriter, "after\n");
        p.OutWriter.Dispose();
        p.ErrWriter.Dispose();
        await reader.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { "before" }, p.Lines.Select(l => l.Text));
    }
}

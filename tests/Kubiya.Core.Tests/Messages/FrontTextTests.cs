using Kubiya.Core.Errors;
using Kubiya.Core.Messages;

namespace Kubiya.Core.Tests.Messages;

/// <summary>Each front renders the runtime's messages in its own syntax.</summary>
public sealed class FrontTextTests
{
    private const string Template = "No queue: name one ({-Queue}), or run it here ({-Local}); wait with {-ApprovalTimeout}; list agents with {Get-KubiyaAgent}.";

    [Fact]
    public void PowerShellGetsParametersAndCmdlets()
    {
        Assert.Equal("No queue: name one (-Queue), or run it here (-Local); wait with -ApprovalTimeout; list agents with Get-KubiyaAgent.",
            FrontText.Render(Template, KubiyaFront.PowerShell));
    }

    [Fact]
    public void TheCliGetsOptionsAndCommands()
    {
        Assert.Equal("No queue: name one (--queue), or run it here (--local); wait with --approval-timeout; list agents with kubiya agent list.",
            FrontText.Render(Template, KubiyaFront.Cli));
    }

    [Fact]
    public void WithoutAFrontBothFormsAreWritten()
    {
        Assert.Equal("No queue: name one (-Queue / --queue), or run it here (-Local / --local); wait with -ApprovalTimeout / --approval-timeout; list agents with Get-KubiyaAgent (kubiya agent list).",
            FrontText.Render(Template, null));
    }

    [Fact]
    public void ShellAndSecretSyntaxIsLeftAlone()
    {
        const string text = "git diff ${BASE_REF:-main} and ${env:TOKEN} and {x} stay";
        Assert.Equal(text, FrontText.Render(text, KubiyaFront.Cli));
    }

    [Fact]
    public void ExceptionsCarryTheTemplateAndANeutralMessage()
    {
        var ex = new KubiyaException(KubiyaErrorKind.InvalidArgument, "QueueRequired", "Give {-QueueId}.");
        Assert.Equal("Give -QueueId / --queue-id.", ex.Message);
        Assert.Equal("Give --queue-id.", ex.MessageFor(KubiyaFront.Cli));
        Assert.Equal("Give -QueueId.", ex.MessageFor(KubiyaFront.PowerShell));
    }
}

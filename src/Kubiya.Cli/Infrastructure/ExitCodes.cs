using Kubiya.Core.Errors;
using Kubiya.Core.Executions;

namespace Kubiya.Cli.Infrastructure;

/// <summary>The process exit codes of every command, in one place.</summary>
public static class ExitCodes
{
    /// <summary>Success; for exec and watch: the execution completed.</summary>
    public const int Ok = 0;
    /// <summary>The execution failed or was cancelled, or the command failed.</summary>
    public const int Failed = 1;
    /// <summary>The command line or an argument was invalid.</summary>
    public const int Usage = 2;
    /// <summary>The Temporal server could not be reached.</summary>
    public const int Unreachable = 3;
    /// <summary>The execution needs an approval (a plan or a step) that nobody could give here.</summary>
    public const int NeedsApproval = 4;
    /// <summary>Interrupted by Ctrl+C or SIGTERM before it finished (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>The exit code of a runtime error.</summary>
    public static int For(KubiyaException error) => error.ErrorId == "ApprovalRequired" ? NeedsApproval : For(error.Kind);

    /// <summary>The exit code of a kind of runtime error.</summary>
    public static int For(KubiyaErrorKind kind) => kind switch
    {
        KubiyaErrorKind.InvalidArgument => Usage,
        KubiyaErrorKind.ServerUnreachable => Unreachable,
        _ => Failed,
    };

    /// <summary>The exit code of a finished execution.</summary>
    public static int For(string status) => status == ExecutionStatus.Completed ? Ok : Failed;

    /// <summary>
    /// The exit code of a finished execution: as <see cref="For(string)"/>, except that one that failed
    /// because it needed an approval nobody could give (an llm agent's tool in a non-interactive local
    /// run) is <see cref="NeedsApproval"/>, as an approval step is.
    /// </summary>
    public static int For(ExecutionInfo info) =>
        info.Status == ExecutionStatus.Failed && info.ErrorId == "ApprovalRequired" ? NeedsApproval : For(info.Status);
}

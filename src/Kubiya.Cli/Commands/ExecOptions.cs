using System.CommandLine;
using Kubiya.Core.Errors;
using Kubiya.Core.Executions;
using Kubiya.Core.Pipelines;

namespace Kubiya.Cli.Commands;

/// <summary>The options shared by <c>exec</c>, <c>exec agent</c> and <c>exec team</c>.</summary>
internal sealed class ExecOptions
{
    public Option<bool> Local { get; } = new("--local") { Description = "Run on an ephemeral worker in this process; it is removed afterwards." };
    public Option<string?> Cwd { get; } = new("--cwd") { Description = "Folder the steps run in and where project agents are found (default: the current folder)." };
    public Option<bool> Yes { get; } = new("--yes", "-y") { Description = "Answer approvals with yes." };
    public Option<string> Priority { get; } = CreatePriority();
    public Option<string?> Queue { get; } = new("--queue") { Description = "Queue to send it to (default: QUEUE_ID or config.yaml); ignored with --local." };
    public Option<string?> Parent { get; } = new("--parent-execution") { Description = "Execution whose context this one continues." };
    public Option<bool> NonInteractive { get; } = new("--non-interactive") { Description = "Never prompt (also KUBIYA_NON_INTERACTIVE=true)." };
    public Option<bool> NoWait { get; } = new("--no-wait") { Description = "Return once it is submitted (not with --local)." };
    public Option<string?> Environment { get; } = new("--environment") { Description = "Environment name recorded on the execution." };
    public Option<string?> Model { get; } = new("--model") { Description = "Model for llm agents (a models.yaml model_name), overriding the agent's and KUBIYA_MODEL." };
    public Option<bool> ApproveTools { get; } = new("--approve-tools") { Description = "Run the tools an llm agent lists under 'approve:' without asking (--yes does not)." };
    public Option<string?> ProxyConfigFile { get; } = new("--proxy-config-file") { Description = "Model configuration (LiteLLM model_list YAML) for the --local worker." };
    public Option<string?> ProxyConfigJson { get; } = new("--proxy-config-json") { Description = "The model configuration as JSON text, for the --local worker." };
    public Option<int?> ApprovalTimeout { get; } = new("--approval-timeout") { Description = "Seconds to wait for an answer from elsewhere (kubiya execution input) when an approval cannot be asked here; without it a non-interactive --local run fails at once (exit 4)." };
    public Option<CiMode> CiMode { get; } = new("--ci-mode") { Description = "CI annotations: auto (detects Azure DevOps and GitHub Actions), none, azuredevops or github.", DefaultValueFactory = _ => Core.Pipelines.CiMode.Auto };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Local, Cwd, Yes, Priority, Queue, Parent, NonInteractive, NoWait, Environment, Model, ApproveTools, ProxyConfigFile, ProxyConfigJson, ApprovalTimeout, CiMode }) command.Add(o);
    }

    /// <summary>The request these options describe.</summary>
    public ExecutionRequest Request(ParseResult parse, string prompt, string? agent, string? team, string currentDirectory)
    {
        string? cwd = null;
        if (parse.GetValue(Cwd) is { } given)
        {
            cwd = Path.GetFullPath(given, currentDirectory);
            if (!Directory.Exists(cwd))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "WorkingDirectoryNotFound", $"Working directory '{cwd}' does not exist.", cwd);
        }
        var approvalTimeout = parse.GetValue(ApprovalTimeout);
        if (approvalTimeout is < 1)
            throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidApprovalTimeout", $"--approval-timeout must be at least 1 second (got {approvalTimeout}).", approvalTimeout);
        return new ExecutionRequest
        {
            Prompt = prompt,
            Agent = agent,
            Team = team,
            Local = parse.GetValue(Local),
            WorkingDirectory = cwd,
            Queue = parse.GetValue(Queue),
            Priority = ExecutionMapper.ParsePriority(parse.GetValue(Priority)),
            ParentExecutionId = parse.GetValue(Parent),
            AutoApprove = parse.GetValue(Yes),
            NoWait = parse.GetValue(NoWait),
            Environment = parse.GetValue(Environment),
            Model = parse.GetValue(Model),
            ApproveTools = parse.GetValue(ApproveTools),
            NonInteractive = parse.GetValue(NonInteractive),
            ModelConfigPath = parse.GetValue(ProxyConfigFile) is { } f ? Path.GetFullPath(f, currentDirectory) : null,
            ModelConfigJson = parse.GetValue(ProxyConfigJson),
            ApprovalTimeout = approvalTimeout is { } t ? TimeSpan.FromSeconds(t) : null,
        };
    }

    private static Option<string> CreatePriority()
    {
        var o = new Option<string>("--priority") { Description = "low, medium, high or critical.", DefaultValueFactory = _ => "medium" };
        o.AcceptOnlyFromAmong("low", "medium", "high", "critical");
        return o;
    }
}

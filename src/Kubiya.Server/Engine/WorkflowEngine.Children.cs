using Temporalio.Api.Command.V1;
using Temporalio.Api.Common.V1;
using Temporalio.Api.Enums.V1;
using Temporalio.Api.History.V1;

namespace Kubiya.Server.Engine;

public sealed partial class WorkflowEngine
{
    private void InitiateChild(Tx tx, Execution parent, StartChildWorkflowExecutionCommandAttributes a, long completedId, List<Action> post)
    {
        var ns = string.IsNullOrEmpty(a.Namespace) ? parent.State.Namespace : a.Namespace;
        var queue = string.IsNullOrEmpty(a.TaskQueue?.Name) ? parent.State.TaskQueue : a.TaskQueue.Name;
        var ev = NewEvent(EventType.StartChildWorkflowExecutionInitiated);
        ev.StartChildWorkflowExecutionInitiatedEventAttributes = new()
        {
            Namespace = ns,
            NamespaceId = Namespaces.Get(ns).Id,
            WorkflowId = a.WorkflowId,
            WorkflowType = a.WorkflowType,
            TaskQueue = new() { Name = queue, Kind = TaskQueueKind.Normal },
            Input = a.Input,
            WorkflowExecutionTimeout = a.WorkflowExecutionTimeout,
            WorkflowRunTimeout = a.WorkflowRunTimeout,
            WorkflowTaskTimeout = a.WorkflowTaskTimeout,
            ParentClosePolicy = a.ParentClosePolicy,
            Control = a.Control,
            WorkflowTaskCompletedEventId = completedId,
            WorkflowIdReusePolicy = a.WorkflowIdReusePolicy,
            RetryPolicy = a.RetryPolicy,
            CronSchedule = a.CronSchedule,
            Header = a.Header,
            Memo = a.Memo,
            SearchAttributes = a.SearchAttributes,
            Priority = a.Priority,
        };
        var initiatedId = Append(tx, parent, ev);
        post.Add(() => StartChild(tx, parent, a, ns, queue, initiatedId, ev.UserMetadata));
    }

    private void StartChild(Tx tx, Execution parent, StartChildWorkflowExecutionCommandAttributes a, string ns, string queue, long initiatedId,
        Temporalio.Api.Sdk.V1.UserMetadata? metadata)
    {
        if (!parent.IsOpen) return;
        var spec = new StartSpec
        {
            Namespace = ns,
            WorkflowId = a.WorkflowId,
            WorkflowType = a.WorkflowType.Name,
            TaskQueue = queue,
            Input = a.Input,
            ExecutionTimeoutMs = Clock.Ms(a.WorkflowExecutionTimeout),
            RunTimeoutMs = Clock.Ms(a.WorkflowRunTimeout) > 0 ? Clock.Ms(a.WorkflowRunTimeout) : Clock.Ms(a.WorkflowExecutionTimeout),
            TaskTimeoutMs = Clock.Ms(a.WorkflowTaskTimeout),
            RequestId = Guid.NewGuid().ToString(),
            Identity = "",
            Memo = a.Memo,
            SearchAttributes = a.SearchAttributes,
            Header = a.Header,
            RetryPolicy = a.RetryPolicy,
            UserMetadata = metadata,
            Priority = Priorities.Inherit(a.Priority, RunPriority(parent)),
            RootExecution = RootOf(parent),
            Extra = ChildVersioning(parent, a.VersioningOverride, ns, queue),
            Parent = new ParentInfo
            {
                Namespace = parent.State.Namespace,
                WorkflowId = parent.State.WorkflowId,
                RunId = parent.State.RunId,
                InitiatedEventId = initiatedId,
            },
        };
        Execution child;
        try
        {
            child = StartWithPolicies(tx, spec, a.WorkflowIdReusePolicy, WorkflowIdConflictPolicy.Fail).Execution;
        }
        catch (Grpc.Core.RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
        {
            var failed = NewEvent(EventType.StartChildWorkflowExecutionFailed);
            failed.StartChildWorkflowExecutionFailedEventAttributes = new()
            {
                Namespace = ns,
                WorkflowId = a.WorkflowId,
                WorkflowType = a.WorkflowType,
                Cause = StartChildWorkflowExecutionFailedCause.WorkflowAlreadyExists,
                Control = a.Control,
                InitiatedEventId = initiatedId,
            };
            AppendNews(tx, parent, failed);
            return;
        }
        var started = NewEvent(EventType.ChildWorkflowExecutionStarted);
        started.ChildWorkflowExecutionStartedEventAttributes = new()
        {
            Namespace = ns,
            InitiatedEventId = initiatedId,
            WorkflowExecution = new WorkflowExecution { WorkflowId = child.State.WorkflowId, RunId = child.State.RunId },
            WorkflowType = a.WorkflowType,
            Header = a.Header,
        };
        AppendNews(tx, parent, started);
        parent.State.Children[initiatedId] = new ChildInfo
        {
            InitiatedEventId = initiatedId,
            StartedEventId = started.EventId,
            Namespace = ns,
            WorkflowId = child.State.WorkflowId,
            RunId = child.State.RunId,
            WorkflowType = a.WorkflowType.Name,
            ParentClosePolicy = (int)a.ParentClosePolicy,
        };
    }

    private void InitiateExternalSignal(Tx tx, Execution source, SignalExternalWorkflowExecutionCommandAttributes a, long completedId, List<Action> post)
    {
        var ns = string.IsNullOrEmpty(a.Namespace) ? source.State.Namespace : a.Namespace;
        var ev = NewEvent(EventType.SignalExternalWorkflowExecutionInitiated);
        ev.SignalExternalWorkflowExecutionInitiatedEventAttributes = new()
        {
            Namespace = ns,
            NamespaceId = Namespaces.Exists(ns) ? Namespaces.Get(ns).Id : "",
            WorkflowExecution = a.Execution,
            SignalName = a.SignalName,
            Input = a.Input,
            Control = a.Control,
            ChildWorkflowOnly = a.ChildWorkflowOnly,
            Header = a.Header,
            WorkflowTaskCompletedEventId = completedId,
        };
        var initiatedId = Append(tx, source, ev);
        post.Add(() =>
        {
            var target = Namespaces.Exists(ns) ? FindOrNull(ns, a.Execution?.WorkflowId, a.Execution?.RunId) : null;
            // As in Temporal, a workflow cannot signal itself this way: it is treated as not found.
            if (target == null || !target.IsOpen || IsSameWorkflow(source, target))
            {
                var failed = NewEvent(EventType.SignalExternalWorkflowExecutionFailed);
                failed.SignalExternalWorkflowExecutionFailedEventAttributes = new()
                {
                    Cause = SignalExternalWorkflowExecutionFailedCause.ExternalWorkflowExecutionNotFound,
                    WorkflowTaskCompletedEventId = completedId,
                    Namespace = ns,
                    WorkflowExecution = a.Execution,
                    InitiatedEventId = initiatedId,
                    Control = a.Control,
                };
                AppendNews(tx, source, failed);
                return;
            }
            var signaled = NewEvent(EventType.WorkflowExecutionSignaled);
            signaled.WorkflowExecutionSignaledEventAttributes = new()
            {
                SignalName = a.SignalName,
                Input = a.Input,
                Header = a.Header,
                ExternalWorkflowExecution = new WorkflowExecution { WorkflowId = source.State.WorkflowId, RunId = source.State.RunId },
            };
            AppendNews(tx, target, signaled);
            var done = NewEvent(EventType.ExternalWorkflowExecutionSignaled);
            done.ExternalWorkflowExecutionSignaledEventAttributes = new()
            {
                InitiatedEventId = initiatedId,
                Namespace = ns,
                WorkflowExecution = new WorkflowExecution { WorkflowId = target.State.WorkflowId, RunId = target.State.RunId },
                Control = a.Control,
            };
            AppendNews(tx, source, done);
        });
    }

    private void InitiateExternalCancel(Tx tx, Execution source, RequestCancelExternalWorkflowExecutionCommandAttributes a, long completedId, List<Action> post)
    {
        var ns = string.IsNullOrEmpty(a.Namespace) ? source.State.Namespace : a.Namespace;
        var target0 = new WorkflowExecution { WorkflowId = a.WorkflowId, RunId = a.RunId };
        var ev = NewEvent(EventType.RequestCancelExternalWorkflowExecutionInitiated);
        ev.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes = new()
        {
            Namespace = ns,
            NamespaceId = Namespaces.Exists(ns) ? Namespaces.Get(ns).Id : "",
            WorkflowExecution = target0,
            Control = a.Control,
            ChildWorkflowOnly = a.ChildWorkflowOnly,
            Reason = a.Reason,
            WorkflowTaskCompletedEventId = completedId,
        };
        var initiatedId = Append(tx, source, ev);
        post.Add(() =>
        {
            var target = Namespaces.Exists(ns) ? FindOrNull(ns, a.WorkflowId, a.RunId) : null;
            if (target == null || !target.IsOpen || IsSameWorkflow(source, target))
            {
                var failed = NewEvent(EventType.RequestCancelExternalWorkflowExecutionFailed);
                failed.RequestCancelExternalWorkflowExecutionFailedEventAttributes = new()
                {
                    Cause = CancelExternalWorkflowExecutionFailedCause.ExternalWorkflowExecutionNotFound,
                    WorkflowTaskCompletedEventId = completedId,
                    Namespace = ns,
                    WorkflowExecution = target0,
                    InitiatedEventId = initiatedId,
                    Control = a.Control,
                };
                AppendNews(tx, source, failed);
                return;
            }
            RequestCancel(tx, target, "", a.Reason, initiatedId,
                new WorkflowExecution { WorkflowId = source.State.WorkflowId, RunId = source.State.RunId });
            var done = NewEvent(EventType.ExternalWorkflowExecutionCancelRequested);
            done.ExternalWorkflowExecutionCancelRequestedEventAttributes = new()
            {
                InitiatedEventId = initiatedId,
                Namespace = ns,
                WorkflowExecution = new WorkflowExecution { WorkflowId = target.State.WorkflowId, RunId = target.State.RunId },
            };
            AppendNews(tx, source, done);
        });
    }

    private static bool IsSameWorkflow(Execution a, Execution b) =>
        a.State.Namespace == b.State.Namespace && a.State.WorkflowId == b.State.WorkflowId;

    private Execution? FindOrNull(string ns, string? workflowId, string? runId)
    {
        if (string.IsNullOrEmpty(workflowId)) return null;
        if (string.IsNullOrEmpty(runId)) return LoadCurrent(ns, workflowId);
        var e = LoadRun(ns, runId);
        return e != null && e.State.WorkflowId == workflowId ? e : null;
    }
}

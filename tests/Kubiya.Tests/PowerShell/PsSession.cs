using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Kubiya.Tests.PowerShell;

/// <summary>An in-process PowerShell runspace with the Kubiya module imported from its built folder.</summary>
public sealed class PsSession : IDisposable
{
    private readonly Runspace runspace;

    public PsSession(string moduleDir)
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(moduleDir);
        runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        WorkingDirectory = Path.Combine(Path.GetTempPath(), "kubiya-cwd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(WorkingDirectory);
        runspace.SessionStateProxy.Path.SetLocation(WorkingDirectory);
    }

    /// <summary>The session's current location (a fresh temp folder).</summary>
    public string WorkingDirectory { get; }

    public Runspace Runspace => runspace;

    /// <summary>Runs a script; variables persist across calls in this session.</summary>
    public PsResult Run(string script, TimeSpan? timeout = null)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        var async = ps.BeginInvoke();
        if (!async.AsyncWaitHandle.WaitOne(timeout ?? TimeSpan.FromSeconds(120)))
        {
            ps.Stop();
            throw new TimeoutException($"Script did not finish in time:\n{script}");
        }
        Collection<PSObject> output;
        Exception? terminating = null;
        try
        {
            output = new Collection<PSObject>(ps.EndInvoke(async).ToList());
        }
        catch (RuntimeException ex)
        {
            output = new Collection<PSObject>();
            terminating = ex;
        }
        return new PsResult(output, ps.Streams.Error.ToList(), ps.Streams.Information.ToList(), ps.Streams.Warning.ToList(), terminating)
        {
            Progress = ps.Streams.Progress.ToList(),
        };
    }

    /// <summary>Starts a script without waiting; Stop() on the returned PowerShell interrupts it (Ctrl+C).</summary>
    public (System.Management.Automation.PowerShell Shell, IAsyncResult Handle) Begin(string script)
    {
        var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        return (ps, ps.BeginInvoke());
    }

    /// <summary>
    /// Names of the session's Kubiya worker jobs, read without running a pipeline (so it works
    /// while one runs): the module's job source adapter keeps them per runspace.
    /// </summary>
    public IReadOnlyList<string> WorkerJobNames()
    {
        var adapter = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "Kubiya")
            .Select(a => a.GetType("Kubiya.PowerShell.Jobs.KubiyaWorkerJobSourceAdapter")).Single(t => t != null)!;
        const System.Reflection.BindingFlags Private = System.Reflection.BindingFlags.NonPublic;
        var table = adapter.GetField("Table", Private | System.Reflection.BindingFlags.Static)!.GetValue(null)!;
        var byRunspace = (System.Collections.IDictionary)table.GetType().GetField("byRunspace", Private | System.Reflection.BindingFlags.Instance)!.GetValue(table)!;
        if (!byRunspace.Contains(runspace.InstanceId)) return Array.Empty<string>();
        var jobs = (System.Collections.IDictionary)byRunspace[runspace.InstanceId]!;
        return jobs.Values.Cast<Job>().Select(j => j.Name).ToList();
    }

    /// <summary>A file in the session's working directory.</summary>
    public string PathOf(string relative) => Path.Combine(WorkingDirectory, relative);

    public void Dispose()
    {
        try
        {
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript("Get-Job | Where-Object PSJobTypeName -eq 'KubiyaWorker' | Stop-Job; Get-Job | Remove-Job -Force");
            ps.Invoke();
        }
        catch (Exception)
        {
            // Best effort cleanup.
        }
        runspace.Dispose();
        try { Directory.Delete(WorkingDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Everything a script produced.</summary>
public sealed record PsResult(
    Collection<PSObject> Output,
    List<ErrorRecord> Errors,
    List<InformationRecord> Information,
    List<WarningRecord> Warnings,
    Exception? Terminating)
{
    public List<ProgressRecord> Progress { get; init; } = new();

    public PSObject Single() => Output.Count == 1 ? Output[0] : throw new Xunit.Sdk.XunitException($"Expected one object, got {Output.Count}. Errors: {string.Join("; ", Errors)} {Terminating?.Message}");

    public T Prop<T>(string name) => (T)LanguagePrimitives.ConvertTo(Single().Properties[name]?.Value, typeof(T));

    public string ErrorText => string.Join("\n", Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")) + (Terminating != null ? "\nTERMINATING: " + Terminating.Message : "");

    public string InfoText => string.Join("\n", Information.Select(i => i.MessageData?.ToString()));

    /// <summary>Asserts no error was written.</summary>
    public PsResult Ok()
    {
        if (Errors.Count > 0 || Terminating != null) throw new Xunit.Sdk.XunitException("Unexpected errors:\n" + ErrorText);
        return this;
    }
}

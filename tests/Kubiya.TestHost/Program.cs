using System.Management.Automation;
using System.Management.Automation.Runspaces;

// A minimal PowerShell host for tests that need a second process (e.g. a worker killed with
// kill -9): imports the module folder given as the first argument and runs the script given
// as the second, printing every output, information, warning and error record as a line.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Kubiya.TestHost MODULE_DIR SCRIPT");
    return 2;
}
var iss = InitialSessionState.CreateDefault2();
iss.ImportPSModule(args[0]);
using var runspace = RunspaceFactory.CreateRunspace(iss);
runspace.Open();
using var ps = PowerShell.Create();
ps.Runspace = runspace;
ps.AddScript(args[1]);
ps.Streams.Information.DataAdded += (_, e) => Console.WriteLine("INFO " + ps.Streams.Information[e.Index].MessageData);
ps.Streams.Warning.DataAdded += (_, e) => Console.WriteLine("WARN " + ps.Streams.Warning[e.Index].Message);
ps.Streams.Error.DataAdded += (_, e) => Console.WriteLine("ERR " + ps.Streams.Error[e.Index]);
var output = new PSDataCollection<PSObject>();
output.DataAdded += (_, e) => Console.WriteLine("OUT " + output[e.Index]);
Console.CancelKeyPress += (_, e) => { e.Cancel = true; ps.Stop(); };
try
{
    ps.Invoke(null, output);
}
catch (RuntimeException ex)
{
    Console.WriteLine("ERR " + ex.Message);
    return 1;
}
return ps.HadErrors ? 1 : 0;

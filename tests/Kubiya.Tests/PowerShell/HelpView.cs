using System.Management.Automation;

namespace Kubiya.Tests.PowerShell;

/// <summary>What <c>Get-Help NAME -Full</c> shows for a cmdlet, flattened to plain values.</summary>
public sealed record HelpView(
    bool FromMaml,
    string Synopsis,
    string Description,
    IReadOnlyList<HelpView.Parameter> Parameters,
    IReadOnlyList<IReadOnlyList<string>> SyntaxItems,
    IReadOnlyList<HelpView.Example> Examples,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    string Notes,
    IReadOnlyList<string> Links)
{
    /// <summary>One parameter as Get-Help reports it (the MAML attribute strings, unparsed).</summary>
    public sealed record Parameter(string Name, string Type, string Required, string Position, string PipelineInput, string Aliases, string Globbing, string Description);

    /// <summary>One example.</summary>
    public sealed record Example(string Title, string Code, string Remarks);

    // foreach, not ForEach-Object: piping a missing ($null) section would yield one empty item.
    private const string Script = """
        param($Name)
        function Text($paras) { (@(foreach ($p in $paras) { $p.Text }) -join "`n").Trim() }
        $h = Get-Help -Name $Name -Full
        [pscustomobject]@{
          FromMaml = $h.PSObject.TypeNames -contains 'MamlCommandHelpInfo'
          Synopsis = [string]$h.Synopsis
          Description = Text $h.description
          Parameters = @(foreach ($p in $h.parameters.parameter) {
            [pscustomobject]@{ Name = [string]$p.name; Type = [string]$p.type.name; Required = [string]$p.required; Position = [string]$p.position
              PipelineInput = [string]$p.pipelineInput; Aliases = [string]$p.aliases; Globbing = [string]$p.globbing; Description = Text $p.description } })
          Syntax = @(foreach ($i in $h.syntax.syntaxItem) { ,@(foreach ($p in $i.parameter) { [string]$p.name }) })
          Examples = @(foreach ($x in $h.examples.example) { [pscustomobject]@{ Title = [string]$x.title; Code = [string]$x.code; Remarks = Text $x.remarks } })
          Inputs = @(foreach ($t in $h.inputTypes.inputType) { [string]$t.type.name })
          Outputs = @(foreach ($t in $h.returnValues.returnValue) { [string]$t.type.name })
          Notes = Text $h.alertSet.alert
          Links = @(foreach ($l in $h.relatedLinks.navigationLink) { [string]$l.linkText })
        }
        """;

    /// <summary>Runs Get-Help in <paramref name="session"/>.</summary>
    public static HelpView Read(PsSession session, string name)
    {
        var o = session.Run($"& {{ {Script} }} -Name '{name}'").Ok().Single();
        string S(PSObject x, string p) => x.Properties[p].Value?.ToString() ?? "";
        IEnumerable<PSObject> List(PSObject x, string p) =>
            ((IEnumerable<object>)LanguagePrimitives.ConvertTo(x.Properties[p].Value, typeof(object[]))).Select(PSObject.AsPSObject);
        return new HelpView(
            (bool)o.Properties["FromMaml"].Value,
            S(o, "Synopsis"),
            S(o, "Description"),
            List(o, "Parameters").Select(p => new Parameter(S(p, "Name"), S(p, "Type"), S(p, "Required"), S(p, "Position"), S(p, "PipelineInput"), S(p, "Aliases"), S(p, "Globbing"), S(p, "Description"))).ToList(),
            List(o, "Syntax").Select(i => (IReadOnlyList<string>)((IEnumerable<object>)LanguagePrimitives.ConvertTo(i.BaseObject, typeof(object[]))).Select(n => n.ToString()!).ToList()).ToList(),
            List(o, "Examples").Select(x => new Example(S(x, "Title"), S(x, "Code"), S(x, "Remarks"))).ToList(),
            List(o, "Inputs").Select(t => t.ToString()).ToList(),
            List(o, "Outputs").Select(t => t.ToString()).ToList(),
            S(o, "Notes"),
            List(o, "Links").Select(t => t.ToString()).ToList());
    }
}

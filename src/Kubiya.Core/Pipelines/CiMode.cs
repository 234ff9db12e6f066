namespace Kubiya.Core.Pipelines
{
    /// <summary>How a front reports to the CI system it runs in (-CIMode / --ci-mode).</summary>
    public enum CiMode
    {
        /// <summary>Detect it: Azure DevOps (<c>TF_BUILD</c>), GitHub Actions (<c>GITHUB_ACTIONS</c>), else none.</summary>
        Auto,
        /// <summary>No CI annotations.</summary>
        None,
        /// <summary>Azure DevOps logging commands (<c>##[group]</c>, <c>##vso[...]</c>).</summary>
        AzureDevOps,
        /// <summary>GitHub Actions workflow commands (<c>::group::</c>, <c>::error::</c>), outputs and job summary.</summary>
        GitHub,
    }
}

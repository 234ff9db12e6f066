using System;

namespace Kubiya.Core.Pipelines
{
    /// <summary>Reads the variables CI systems set, and resolves <see cref="CiMode.Auto"/>.</summary>
    public static class CiEnvironment
    {
        /// <summary>Set to <c>True</c> by Azure Pipelines agents.</summary>
        public const string AzureDevOpsVariable = "TF_BUILD";

        /// <summary>Set to <c>true</c> by GitHub Actions runners.</summary>
        public const string GitHubVariable = "GITHUB_ACTIONS";

        /// <summary>The mode to use: <paramref name="requested"/>, or for Auto the CI system detected from <paramref name="getVariable"/>.</summary>
        public static CiMode Resolve(CiMode requested, Func<string, string?> getVariable)
        {
            if (requested != CiMode.Auto) return requested;
            if (IsTrue(getVariable(AzureDevOpsVariable))) return CiMode.AzureDevOps;
            if (IsTrue(getVariable(GitHubVariable))) return CiMode.GitHub;
            return CiMode.None;
        }

        /// <summary>The process environment, as <see cref="Resolve"/> and the reporters read it.</summary>
        public static string? Process(string name) => Environment.GetEnvironmentVariable(name);

        private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
    }
}

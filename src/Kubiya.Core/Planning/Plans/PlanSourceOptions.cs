using System;

namespace Kubiya.Core.Planning
{
    /// <summary>Where plan sources are fetched from.</summary>
    public sealed record PlanSourceOptions
    {
        /// <summary>GitHub REST API base (<c>KUBIYA_GITHUB_API_URL</c>, default <c>https://api.github.com</c>; GitHub Enterprise: <c>https://HOST/api/v3</c>).</summary>
        public string GitHubApiBase { get; init; } = "https://api.github.com";
        /// <summary>Token for private repositories (<c>GITHUB_TOKEN</c>); sent only to <see cref="GitHubApiBase"/>, never shown.</summary>
        public string? GitHubToken { get; init; }
        /// <summary>How long one download may take.</summary>
        public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

        /// <summary>Options from the process environment.</summary>
        public static PlanSourceOptions FromEnvironment(Func<string, string?>? env = null)
        {
            env ??= Environment.GetEnvironmentVariable;
            var api = env("KUBIYA_GITHUB_API_URL");
            var token = env("GITHUB_TOKEN");
            return new PlanSourceOptions
            {
                GitHubApiBase = string.IsNullOrWhiteSpace(api) ? "https://api.github.com" : api!.TrimEnd('/'),
                GitHubToken = string.IsNullOrWhiteSpace(token) ? null : token,
            };
        }
    }
}

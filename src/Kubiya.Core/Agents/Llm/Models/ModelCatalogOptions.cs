namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>Where the model list comes from, as the fronts give it.</summary>
    public sealed class ModelCatalogOptions
    {
        /// <summary>An explicit model list file (<c>--proxy-config-file</c>, <c>-ModelConfig</c>); wins over every other source.</summary>
        public string? ConfigFile { get; set; }
        /// <summary>The model list as a JSON string (<c>--proxy-config-json</c>); used when no file is given.</summary>
        public string? ConfigJson { get; set; }
    }
}

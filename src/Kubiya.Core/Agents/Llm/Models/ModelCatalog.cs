using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Kubiya.Core.Configuration;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>
    /// The models this machine can reach. The list comes from the first source present: the explicit
    /// file (<c>--proxy-config-file</c> / <c>-ModelConfig</c>), the JSON string
    /// (<c>--proxy-config-json</c>), or <c>$KUBIYA_HOME/models.yaml</c>. When <c>OPENAI_API_KEY</c> or
    /// <c>OPENAI_BASE_URL</c> is set, any name not in the list is sent to that endpoint as-is.
    /// </summary>
    public sealed class ModelCatalog
    {
        /// <summary>The file name under the Kubiya home folder.</summary>
        public const string FileName = "models.yaml";
        private const string DefaultSource = "OPENAI_API_KEY / OPENAI_BASE_URL";

        private readonly Dictionary<string, ModelEndpoint> byName;
        private readonly Dictionary<string, string> unusable;

        private ModelCatalog(IReadOnlyList<ModelEndpoint> models, ModelEndpoint? fallback, IReadOnlyList<string> warnings,
            Dictionary<string, string> unusable, string? source)
        {
            Models = models;
            Fallback = fallback;
            Warnings = warnings;
            Source = source;
            this.unusable = unusable;
            byName = new Dictionary<string, ModelEndpoint>(StringComparer.Ordinal);
            foreach (var m in models) byName[m.Name] = m;
        }

        /// <summary>The listed models, in file order.</summary>
        public IReadOnlyList<ModelEndpoint> Models { get; }

        /// <summary>The OPENAI_* endpoint that serves names not in the list, when configured.</summary>
        public ModelEndpoint? Fallback { get; }

        /// <summary>Things the user should fix that did not stop loading (literal keys, unsupported providers, duplicates); never contain a key.</summary>
        public IReadOnlyList<string> Warnings { get; }

        /// <summary>The file (or "--proxy-config-json") the list came from; null when there is no list.</summary>
        public string? Source { get; }

        /// <summary>The names agents can use.</summary>
        public IEnumerable<string> Names => Models.Select(m => m.Name);

        /// <summary>Loads the catalog for this process's environment and Kubiya home.</summary>
        public static ModelCatalog Load(ModelCatalogOptions? options = null) =>
            Load(options, KubiyaPaths.FromEnvironment(), Environment.GetEnvironmentVariable);

        /// <summary>Loads the catalog from explicit sources (tests, workers with a given home).</summary>
        public static ModelCatalog Load(ModelCatalogOptions? options, KubiyaPaths paths, Func<string, string?> env)
        {
            options ??= new ModelCatalogOptions();
            ModelListReader.Result? list = null;
            string? source = null;
            if (!string.IsNullOrWhiteSpace(options.ConfigFile))
            {
                source = Path.GetFullPath(options.ConfigFile!);
                if (!File.Exists(source))
                    throw new KubiyaException(KubiyaErrorKind.NotFound, ModelErrorIds.ConfigInvalid, $"The model configuration file '{source}' does not exist.", source);
                list = ModelListReader.Read(File.ReadAllText(source), source, env);
            }
            else if (!string.IsNullOrWhiteSpace(options.ConfigJson))
            {
                source = "--proxy-config-json";
                list = ModelListReader.Read(options.ConfigJson!, source, env);
            }
            else
            {
                var home = Path.Combine(paths.Home, FileName);
                if (File.Exists(home))
                {
                    source = home;
                    list = ModelListReader.Read(File.ReadAllText(home), home, env);
                }
            }
            list ??= new ModelListReader.Result();
            return new ModelCatalog(list.Models, FallbackFrom(env), list.Warnings, list.Unusable, source);
        }

        /// <summary>Builds a catalog from a model list text (YAML or JSON); <paramref name="source"/> names it in errors.</summary>
        public static ModelCatalog Parse(string text, string source, Func<string, string?>? env = null)
        {
            env ??= Environment.GetEnvironmentVariable;
            var list = ModelListReader.Read(text, source, env);
            return new ModelCatalog(list.Models, FallbackFrom(env), list.Warnings, list.Unusable, source);
        }

        private static ModelEndpoint? FallbackFrom(Func<string, string?> env)
        {
            var key = env("OPENAI_API_KEY");
            var baseUrl = env("OPENAI_BASE_URL");
            if (string.IsNullOrWhiteSpace(key) && string.IsNullOrWhiteSpace(baseUrl)) return null;
            return new ModelEndpoint
            {
                Name = "*",
                Provider = ModelProviders.OpenAi,
                ApiBase = string.IsNullOrWhiteSpace(baseUrl) ? ModelProviders.OpenAiBaseUrl : baseUrl!.Trim().TrimEnd('/'),
                // A reference, resolved at call time like every other key.
                ApiKey = string.IsNullOrWhiteSpace(key) ? null : "os.environ/OPENAI_API_KEY",
                Source = DefaultSource,
            };
        }

        /// <summary>
        /// The model a run uses: <paramref name="overrideModel"/> (<c>-Model</c> / <c>--model</c>, else
        /// <c>KUBIYA_MODEL</c>) beats the agent's model; with neither, the first listed model. Throws
        /// <c>ModelNotFound</c> (listing the known names) when nothing serves the result.
        /// </summary>
        public string ResolveModelName(string? agentModel, string? overrideModel)
        {
            var name = NonEmpty(overrideModel) ?? NonEmpty(agentModel) ?? Models.FirstOrDefault()?.Name;
            if (name == null)
                throw new KubiyaException(KubiyaErrorKind.NotFound, ModelErrorIds.NotFound,
                    "No model is configured: name one in the agent (model:), with {-Model} or KUBIYA_MODEL, and list it in models.yaml or set OPENAI_API_KEY.");
            Resolve(name);
            return name;
        }

        /// <summary>True when <paramref name="name"/> can be served.</summary>
        public bool Contains(string name) => byName.ContainsKey(name) || (Fallback != null && !unusable.ContainsKey(name));

        /// <summary>The endpoint serving <paramref name="name"/>; throws <c>ModelNotFound</c> / <c>ModelConfigInvalid</c>.</summary>
        public ModelEndpoint Resolve(string name)
        {
            if (byName.TryGetValue(name, out var endpoint)) return endpoint;
            if (unusable.TryGetValue(name, out var why))
                throw new KubiyaException(KubiyaErrorKind.InvalidDefinition, ModelErrorIds.ConfigInvalid, $"Model '{name}' cannot be used: {why}", name);
            if (Fallback != null) return Fallback.For(name);
            var known = Models.Count == 0 ? "none are configured" : "known models: " + string.Join(", ", Names);
            var where = Source ?? "models.yaml in the Kubiya home folder";
            throw new KubiyaException(KubiyaErrorKind.NotFound, ModelErrorIds.NotFound,
                $"Model '{name}' is not configured ({known}). Add it to {where}, or set OPENAI_API_KEY (and OPENAI_BASE_URL) to send any model name to that endpoint.", name);
        }

        /// <summary>The price of <paramref name="name"/>, or null when unknown.</summary>
        public ModelPrice? PriceOf(string name) => byName.TryGetValue(name, out var endpoint) ? endpoint.Price : null;

        private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s!.Trim();
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Kubiya.Core.Errors;
using Kubiya.Core.Secrets;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Kubiya.Core.Agents.Llm.Models
{
    /// <summary>
    /// Reads LiteLLM's <c>model_list</c> (YAML, or the same shape as JSON). Every problem is reported
    /// as <c>SOURCE:LINE:COLUMN: FIELD: reason</c>. Keys stay as written (references are resolved at
    /// call time); a literal key is accepted with a warning that never repeats it.
    /// </summary>
    internal static class ModelListReader
    {
        private static readonly Regex BareVariable = new Regex(@"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$", RegexOptions.CultureInvariant);

        internal sealed class Result
        {
            public List<ModelEndpoint> Models { get; } = new List<ModelEndpoint>();
            public List<string> Warnings { get; } = new List<string>();
            /// <summary>Entries that exist but cannot be served (non-OpenAI providers), by name, with the reason.</summary>
            public Dictionary<string, string> Unusable { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        public static Result Read(string text, string source, Func<string, string?> env)
        {
            var trimmed = text.TrimStart();
            if (trimmed.StartsWith("{", StringComparison.Ordinal) || trimmed.StartsWith("[", StringComparison.Ordinal))
            {
                // Validate as JSON first for JSON's own positions; valid JSON has no raw tabs inside
                // strings, so turning tabs into spaces lets the YAML reader take it unchanged.
                try { using (JsonDocument.Parse(text)) { } }
                catch (JsonException ex)
                {
                    throw Error(source, (ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1, "(syntax)", "not valid JSON");
                }
                text = text.Replace('\t', ' ');
            }

            var stream = new YamlStream();
            try { stream.Load(new StringReader(text)); }
            catch (YamlException ex)
            {
                throw Error(source, ex.Start.Line, ex.Start.Column, "(syntax)", Configuration.YamlErrors.Describe(ex));
            }
            var result = new Result();
            if (stream.Documents.Count == 0) return result;
            var root = stream.Documents[0].RootNode;
            YamlNode? list = root is YamlMappingNode map ? Child(map, "model_list") : root;
            if (list == null) throw Fail(source, root, "model_list", "missing: the file needs a 'model_list' of models");
            if (!(list is YamlSequenceNode seq)) throw Fail(source, list, "model_list", "must be a list of models");

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in seq.Children)
            {
                if (!(item is YamlMappingNode entry)) throw Fail(source, item, "model_list[]", "each model must be a mapping with model_name and litellm_params");
                var parsed = Entry(entry, source, env, result);
                if (parsed == null) continue;
                if (!seen.Add(parsed.Name))
                {
                    result.Warnings.Add($"{Where(source, entry)}: model_name: '{parsed.Name}' is listed more than once; the first entry is used.");
                    continue;
                }
                result.Models.Add(parsed);
            }
            return result;
        }

        private static ModelEndpoint? Entry(YamlMappingNode entry, string source, Func<string, string?> env, Result result)
        {
            var name = RequiredScalar(entry, "model_name", source);
            var paramsNode = Child(entry, "litellm_params");
            if (paramsNode == null) throw Fail(source, entry, "litellm_params", $"missing for model '{name}'");
            if (!(paramsNode is YamlMappingNode p)) throw Fail(source, paramsNode, "litellm_params", "must be a mapping");

            var modelNode = Child(p, "model");
            var litellmModel = RequiredScalar(p, "model", source, "litellm_params.model");
            if (!ModelProviders.TryParse(litellmModel, out var provider, out var providerModel))
            {
                result.Unusable[name] = $"{Where(source, modelNode!)}: litellm_params.model: provider '{provider}' does not speak the OpenAI protocol (supported: {ModelProviders.Supported}; use openai/ with api_base for any OpenAI-compatible endpoint).";
                result.Warnings.Add(result.Unusable[name]);
                return null;
            }
            if (providerModel.Length == 0) throw Fail(source, modelNode!, "litellm_params.model", $"'{litellmModel}' names no model after the provider");

            var endpoint = new ModelEndpoint { Name = name, Provider = provider, ProviderModel = providerModel, Source = Where(source, entry) };

            var baseNode = Child(p, "api_base");
            var apiBase = Scalar(baseNode, source, "litellm_params.api_base")
                ?? (ModelProviders.DefaultBaseVariable(provider) is { } baseVar ? NonEmpty(env(baseVar)) : null);
            if (apiBase != null && SecretReference.IsReference(apiBase))
            {
                try { apiBase = SecretReference.Resolve(apiBase, env); }
                catch (SecretNotFoundException ex) { throw Fail(source, baseNode!, "litellm_params.api_base", ex.Message); }
            }
            apiBase ??= provider switch
            {
                ModelProviders.OpenAi => ModelProviders.OpenAiBaseUrl,
                ModelProviders.Ollama => ModelProviders.OllamaBaseUrl,
                _ => throw Fail(source, p, "litellm_params.api_base", $"model '{name}' ({provider}) needs api_base" +
                    (ModelProviders.DefaultBaseVariable(provider) is { } v ? $" (or the environment variable {v})" : "")),
            };
            if (!Uri.TryCreate(apiBase, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != "http" && baseUri.Scheme != "https"))
                throw Fail(source, baseNode ?? p, "litellm_params.api_base", $"'{apiBase}' is not an http(s) URL");
            endpoint.ApiBase = ModelProviders.NormalizeBase(provider, apiBase);

            var keyNode = Child(p, "api_key");
            var key = Scalar(keyNode, source, "litellm_params.api_key");
            if (key != null)
            {
                var bare = BareVariable.Match(key);
                if (bare.Success)
                    throw Fail(source, keyNode!, "litellm_params.api_key", $"write ${{env:{bare.Groups[1].Value}}} or os.environ/{bare.Groups[1].Value} to read the environment variable");
                if (!SecretReference.IsReference(key))
                    result.Warnings.Add($"{Where(source, keyNode!)}: litellm_params.api_key: the key of model '{name}' is written in the file; use os.environ/NAME or ${{env:NAME}} to keep it out of the file.");
                endpoint.ApiKey = key;
            }
            else if (ModelProviders.DefaultKeyVariable(provider) is { } keyVar)
            {
                // LiteLLM's default for the provider, kept as a reference and resolved at call time;
                // a keyless local OpenAI-compatible endpoint (api_base given) works without it.
                endpoint.ApiKey = env(keyVar) != null || baseNode == null ? "os.environ/" + keyVar : null;
            }

            endpoint.ApiVersion = Scalar(Child(p, "api_version"), source, "litellm_params.api_version")
                ?? (endpoint.IsAzure ? NonEmpty(env("AZURE_API_VERSION")) ?? ModelProviders.DefaultAzureApiVersion : null);
            if (Number(Child(p, "timeout"), source, "litellm_params.timeout") is { } seconds)
            {
                if (seconds <= 0) throw Fail(source, Child(p, "timeout")!, "litellm_params.timeout", "must be a positive number of seconds");
                endpoint.Timeout = TimeSpan.FromSeconds(seconds);
            }
            if (Number(Child(p, "max_tokens"), source, "litellm_params.max_tokens") is { } maxTokens)
            {
                if (maxTokens < 1 || maxTokens != Math.Floor(maxTokens)) throw Fail(source, Child(p, "max_tokens")!, "litellm_params.max_tokens", "must be a positive whole number");
                endpoint.MaxTokens = (int)maxTokens;
            }

            // Prices live under model_info (LiteLLM also accepts them in litellm_params).
            var info = Child(entry, "model_info") as YamlMappingNode;
            double? Price(string field) =>
                Number(info == null ? null : Child(info, field), source, "model_info." + field)
                ?? Number(Child(p, field), source, "litellm_params." + field);
            var input = Price("input_cost_per_token");
            var output = Price("output_cost_per_token");
            if (input < 0 || output < 0) throw Fail(source, info ?? (YamlNode)p, "model_info", "costs per token cannot be negative");
            if (input != null || output != null) endpoint.Price = new ModelPrice { InputPerToken = input ?? 0, OutputPerToken = output ?? 0 };
            return endpoint;
        }

        private static YamlNode? Child(YamlMappingNode map, string key) =>
            map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == key).Value;

        private static string RequiredScalar(YamlMappingNode map, string key, string source, string? field = null)
        {
            var node = Child(map, key);
            if (node == null) throw Fail(source, map, field ?? key, "missing");
            return Scalar(node, source, field ?? key) ?? throw Fail(source, node, field ?? key, "cannot be empty");
        }

        private static string? Scalar(YamlNode? node, string source, string field)
        {
            if (node == null) return null;
            if (!(node is YamlScalarNode s)) throw Fail(source, node, field, "must be a single value");
            return NonEmpty(s.Value?.Trim());
        }

        private static double? Number(YamlNode? node, string source, string field)
        {
            var text = Scalar(node, source, field);
            if (text == null) return null;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw Fail(source, node!, field, $"'{text}' is not a number");
            return value;
        }

        private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

        private static string Where(string source, YamlNode node) => $"{source}:{node.Start.Line}:{node.Start.Column}";

        private static KubiyaException Fail(string source, YamlNode node, string field, string why) =>
            Error(source, node.Start.Line, node.Start.Column, field, why);

        internal static KubiyaException Error(string source, long line, long column, string field, string why) =>
            new KubiyaException(KubiyaErrorKind.InvalidDefinition, ModelErrorIds.ConfigInvalid, $"{source}:{line}:{column}: {field}: {why}", source);
    }
}

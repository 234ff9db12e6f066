using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Planning
{
    /// <summary>
    /// Loads a plan from where users keep them: a saved plan id, a file path, an https URL, or
    /// <c>owner/repo/path[@ref]</c> on GitHub (through the contents API, with <c>GITHUB_TOKEN</c>
    /// when set). Plain http is accepted only for loopback addresses, which never leave the machine.
    /// </summary>
    public sealed class PlanLoader
    {
        private static readonly Regex GitHubForm = new Regex(@"^(?<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?<repo>[A-Za-z0-9._-]+)/(?<path>[^@]+?)(?:@(?<ref>[^@\s]+))?$", RegexOptions.CultureInvariant);
        private readonly PlanStore store;
        private readonly PlanSourceOptions options;
        private readonly HttpMessageHandler? handler;

        /// <summary>Creates a loader; <paramref name="handler"/> replaces the HTTP transport (null = default).</summary>
        public PlanLoader(PlanStore store, PlanSourceOptions options, HttpMessageHandler? handler = null)
        {
            this.store = store;
            this.options = options;
            this.handler = handler;
        }

        /// <summary>Loads <paramref name="source"/>; relative paths are resolved against <paramref name="workingDirectory"/>.</summary>
        public async Task<KubiyaPlan> LoadAsync(string source, string workingDirectory, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(source))
                throw PlanErrors.Create(KubiyaErrorKind.InvalidArgument, PlanErrors.PlanSourceInvalid, "The plan source is empty: give a plan id, a path, an https URL or owner/repo/path[@ref].");
            source = source.Trim();
            if (PlanStore.IsPlanId(source) && store.Exists(source)) return store.Get(source);
            if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
                    throw PlanErrors.Create(KubiyaErrorKind.InvalidArgument, PlanErrors.PlanSourceInvalid, $"'{Redact(uri)}' uses plain http; plans are fetched over https only.", source);
                var text = await FetchAsync(uri, false, Redact(uri), source, cancellationToken).ConfigureAwait(false);
                return Parse(text, Redact(uri));
            }
            var path = Path.IsPathRooted(source) ? source : Path.Combine(workingDirectory, source);
            if (File.Exists(path)) return Parse(ReadFile(path), Path.GetFullPath(path));
            if (Directory.Exists(path))
                throw PlanErrors.Create(KubiyaErrorKind.InvalidArgument, PlanErrors.PlanSourceInvalid, $"'{source}' is a folder, not a plan file.", source);
            var gh = GitHubForm.Match(source.Replace('\\', '/'));
            if (gh.Success && !source.StartsWith(".", StringComparison.Ordinal) && !Path.IsPathRooted(source))
                return await LoadGitHubAsync(gh, source, cancellationToken).ConfigureAwait(false);
            if (PlanStore.IsPlanId(source))
                throw PlanErrors.Create(KubiyaErrorKind.NotFound, PlanErrors.PlanNotFound, $"No saved plan '{source}' in {store.Directory}. {{Get-KubiyaPlan}} lists saved plans.", source);
            throw PlanErrors.Create(KubiyaErrorKind.NotFound, PlanErrors.PlanNotFound, $"Plan file '{Path.GetFullPath(path)}' does not exist.", source);
        }

        private async Task<KubiyaPlan> LoadGitHubAsync(Match gh, string source, CancellationToken ct)
        {
            var owner = gh.Groups["owner"].Value;
            var repo = gh.Groups["repo"].Value;
            var filePath = gh.Groups["path"].Value.Trim('/');
            var reference = gh.Groups["ref"].Success ? gh.Groups["ref"].Value : null;
            var url = $"{options.GitHubApiBase.TrimEnd('/')}/repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}/contents/{EscapePath(filePath)}"
                + (reference != null ? "?ref=" + Uri.EscapeDataString(reference) : "");
            var text = await FetchAsync(new Uri(url), true, source, source, ct).ConfigureAwait(false);
            // The raw media type gives the file itself; a server that ignores it sends the JSON
            // contents object with the file in base64.
            if (TryContentsObject(text, out var decoded)) text = decoded;
            return Parse(text, $"github:{owner}/{repo}/{filePath}" + (reference != null ? "@" + reference : ""));
        }

        private async Task<string> FetchAsync(Uri uri, bool github, string shown, string source, CancellationToken ct)
        {
            using var http = handler != null ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
            http.Timeout = options.Timeout;
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.UserAgent.ParseAdd("kubiya-powershell/1.0");
            var token = github ? options.GitHubToken : null;
            if (github)
            {
                request.Headers.Accept.ParseAdd("application/vnd.github.raw+json");
                request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", "2022-11-28");
                if (token != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            else
            {
                request.Headers.Accept.ParseAdd("application/json");
            }
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw PlanErrors.Create(KubiyaErrorKind.Timeout, PlanErrors.PlanFetchFailed, $"Fetching plan {shown} timed out after {options.Timeout.TotalSeconds:0}s.", source);
            }
            catch (HttpRequestException ex)
            {
                throw PlanErrors.Create(KubiyaErrorKind.ServerUnreachable, PlanErrors.PlanFetchFailed, $"Could not fetch plan {shown}: {Innermost(ex)}.", source, ex);
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.NotFound)
                    throw PlanErrors.Create(KubiyaErrorKind.NotFound, PlanErrors.PlanNotFound,
                        $"Plan {shown} was not found (404){(github && token == null ? "; for a private repository set GITHUB_TOKEN" : "")}.", source);
                if (response.StatusCode == HttpStatusCode.Unauthorized || response.StatusCode == HttpStatusCode.Forbidden)
                    throw PlanErrors.Create(KubiyaErrorKind.InvalidArgument, PlanErrors.PlanFetchFailed,
                        $"Fetching plan {shown} was refused ({(int)response.StatusCode}){(github ? (token == null ? "; set GITHUB_TOKEN to a token that can read the repository" : "; the GITHUB_TOKEN in use cannot read it") : "")}.", source);
                if (!response.IsSuccessStatusCode)
                    throw PlanErrors.Create(KubiyaErrorKind.ServerUnreachable, PlanErrors.PlanFetchFailed, $"Fetching plan {shown} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.", source);
                var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                if (bytes.Length > 4 * 1024 * 1024)
                    throw PlanErrors.Create(KubiyaErrorKind.InvalidArgument, PlanErrors.PlanInvalid, $"Plan {shown} is larger than 4 MB; that is not a plan file.", source);
                return new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
            }
        }

        private static bool TryContentsObject(string text, out string decoded)
        {
            decoded = "";
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("schemaVersion", out _)) return false;
                if (!root.TryGetProperty("content", out var content) || !root.TryGetProperty("encoding", out var enc) || enc.GetString() != "base64") return false;
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String((content.GetString() ?? "").Replace("\n", "")));
                return true;
            }
            catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is InvalidOperationException)
            {
                return false;
            }
        }

        private static KubiyaPlan Parse(string text, string origin) => PlanJson.Read(text, origin);

        private static string ReadFile(string path)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw PlanErrors.Create(KubiyaErrorKind.InvalidArgument, PlanErrors.PlanFetchFailed, $"Cannot read plan file '{path}': {ex.Message}", path, ex);
            }
        }

        private static string EscapePath(string path) => string.Join("/", path.Split('/')).Replace(" ", "%20");

        // Query strings can carry signatures or tokens: never show them.
        private static string Redact(Uri uri) => uri.GetLeftPart(UriPartial.Path);

        private static string Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex.Message.TrimEnd('.');
        }
    }
}

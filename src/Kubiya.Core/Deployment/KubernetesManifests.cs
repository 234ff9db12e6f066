using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Kubiya.Core.Errors;

namespace Kubiya.Core.Deployment
{
    /// <summary>
    /// <c>kubiya worker install</c>: the manifests of <c>deploy/kubernetes/worker.yaml</c> (embedded)
    /// for one queue, replica count, namespace and image.
    /// </summary>
    public static class KubernetesManifests
    {
        /// <summary>The image the manifests name by default.</summary>
        public const string DefaultImage = "kubiya/worker:0.1.0";

        /// <summary>The template as shipped.</summary>
        public static string Template()
        {
            using var stream = typeof(KubernetesManifests).Assembly.GetManifestResourceStream("Kubiya.Core.Deployment.worker.yaml")
                ?? throw new InvalidOperationException("worker.yaml is not embedded");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Replace("\r\n", "\n");
        }

        /// <summary>The manifests for <paramref name="queue"/>; names carry the queue so several queues share a namespace.</summary>
        public static string Render(string queue, int replicas, string? ns = null, string? image = null)
        {
            Workers.WorkerPaths.ValidateQueueId(queue);
            if (replicas < 1 || replicas > 1000)
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidReplicas", $"--replicas must be 1-1000 (got {replicas}).", replicas);
            ns = string.IsNullOrWhiteSpace(ns) ? "kubiya" : ns!.Trim();
            if (!Regex.IsMatch(ns, "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"))
                throw new KubiyaException(KubiyaErrorKind.InvalidArgument, "InvalidNamespace", $"'{ns}' is not a Kubernetes namespace name (lower-case letters, digits and '-', at most 63).", ns);
            image = string.IsNullOrWhiteSpace(image) ? DefaultImage : image!.Trim();
            var suffix = Regex.Replace(queue.ToLowerInvariant(), "[^a-z0-9-]", "-").Trim('-');
            if (suffix.Length > 40) suffix = suffix.Substring(0, 40).Trim('-');
            var name = suffix.Length == 0 ? "kubiya-worker" : "kubiya-worker-" + suffix;
            var text = Template()
                .Replace("kubiya-worker", name)
                .Replace("namespace: kubiya\n", $"namespace: {ns}\n")
                .Replace("kind: Namespace\nmetadata:\n  name: kubiya\n", $"kind: Namespace\nmetadata:\n  name: {ns}\n")
                .Replace("kubiya-server.kubiya.svc", $"kubiya-server.{ns}.svc")
                .Replace("  QUEUE_ID: default\n", $"  QUEUE_ID: {Quote(queue)}\n")
                .Replace("image: " + DefaultImage, "image: " + image)
                .Replace("  replicas: 2\n", $"  replicas: {replicas}\n")
                .Replace("  minReplicas: 2\n", $"  minReplicas: {replicas}\n")
                .Replace("  maxReplicas: 10\n", $"  maxReplicas: {Math.Max(10, replicas)}\n");
            // The header comment is for the file, not for kubectl's input.
            return string.Join("\n", text.Split('\n').SkipWhile(l => l.StartsWith("#", StringComparison.Ordinal)));
        }

        private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
